pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/committed_value.circom";

// Equality: "is the committed figure exactly `target`?" (e.g. registered district code == 310115)
//
// Proves: commitment == Poseidon(enterprise, fieldId, period, value, salt), value < 2^64,
//         target < 2^64, and answer == (value == target).
// Public signals (snarkjs order): answer, commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, target.
//
// The caller must enforce: all public inputs < p; query id halves, commitment, enterprise, fieldId
// and period as in CommittedValue; target is the query's. (IsEqual alone would be sound for any
// field element; target is still range-checked so every predicate shares the same domain.)
template Equality() {
    signal input commitment;
    signal input queryIdHi;
    signal input queryIdLo;
    signal input enterprise;
    signal input fieldId;
    signal input period;
    signal input target;
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

    component targetBits = Num2Bits(64);
    targetBits.in <== target;

    component eq = IsEqual();
    eq.in[0] <== value;
    eq.in[1] <== target;
    answer <== eq.out;
}

component main {public [commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, target]} = Equality();
