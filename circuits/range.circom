pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/committed_value.circom";

// Range: "is lower <= committed figure <= upper?" (e.g. insured employees between 20 and 300)
//
// Proves: commitment == Poseidon(enterprise, fieldId, period, value, salt), value, lower, upper < 2^64,
//         and answer == (lower <= value && value <= upper).
// Public signals (snarkjs order): answer, commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, lower, upper.
//
// The caller must enforce: all public inputs < p; query id halves, commitment, enterprise, fieldId
// and period as in CommittedValue; lower <= upper (an empty range would make every answer a
// trivially proven "no", which is true but useless, so the wrapper refuses to ask it).
template Range() {
    signal input commitment;
    signal input queryIdHi;
    signal input queryIdLo;
    signal input enterprise;
    signal input fieldId;
    signal input period;
    signal input lower;
    signal input upper;
    signal input value;
    signal input salt;
    signal output answer;

    component committed = CommittedValue();
    committed.commitment <== commitment;
    committed.queryIdHi <== queryIdHi;
    committed.queryIdLo <== queryIdLo;
    committed.enterprise <== enterprise;
    committed.fieldId <== fieldId;
    committed.period <== period;
    committed.value <== value;
    committed.salt <== salt;

    component lowerBits = Num2Bits(64);
    lowerBits.in <== lower;
    component upperBits = Num2Bits(64);
    upperBits.in <== upper;

    component aboveLower = GreaterEqThan(64);
    aboveLower.in[0] <== value;
    aboveLower.in[1] <== lower;
    component belowUpper = LessEqThan(64);
    belowUpper.in[0] <== value;
    belowUpper.in[1] <== upper;
    answer <== aboveLower.out * belowUpper.out;
}

component main {public [commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, lower, upper]} = Range();
