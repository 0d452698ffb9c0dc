pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/committed_value.circom";

// ThresholdLte: "is the committed figure at most `threshold`?" (e.g. enforcement cases in the period <= 0)
//
// Proves: commitment == Poseidon(enterprise, fieldId, period, value, salt), value < 2^64,
//         threshold < 2^64, and answer == (value <= threshold) — so a "no" is proven as well as a "yes".
// Public signals (snarkjs order): answer, commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, threshold.
//
// The caller must enforce: all public inputs < p; queryIdHi/Lo are the 128-bit halves of the query
// tx id; commitment is the on-chain commitment for (enterprise, fieldId, period); threshold is the
// query's. The wrapper also rejects thresholds outside [0, 2^64) early (the circuit would too).
template ThresholdLte() {
    signal input commitment;
    signal input queryIdHi;
    signal input queryIdLo;
    signal input enterprise;
    signal input fieldId;
    signal input period;
    signal input threshold;
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

    component thresholdBits = Num2Bits(64);
    thresholdBits.in <== threshold;

    component lte = LessEqThan(64);
    lte.in[0] <== value;
    lte.in[1] <== threshold;
    answer <== lte.out;
}

component main {public [commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, threshold]} = ThresholdLte();
