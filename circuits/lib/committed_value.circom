pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// CommittedValue: the part every privacy-query circuit shares.
//
// Proves: commitment == Poseidon(enterprise, fieldId, period, value, salt)   (one Poseidon, 5 inputs)
//         and value < 2^64.
// Binds the proof to one query: queryIdHi/queryIdLo (the two 128-bit halves of the query tx id)
// are public inputs of the caller's main template and are squared here, so each of them appears
// in a constraint of its own and the proof cannot be re-labelled with another query id even under
// a backend that would not bind unconstrained public inputs.
//
// The caller must enforce (outside the circuit): every public input < p (the verifier rejects
// anything else); queryIdHi/Lo are the halves of the query's tx id; enterprise, fieldId and period
// are the ones named in the query, and commitment is the one the holder put on the chain for them.
template CommittedValue() {
    signal input commitment;
    signal input queryIdHi;
    signal input queryIdLo;
    signal input enterprise;
    signal input fieldId;
    signal input period;
    signal input value;
    signal input salt;

    component hash = Poseidon(5);
    hash.inputs[0] <== enterprise;
    hash.inputs[1] <== fieldId;
    hash.inputs[2] <== period;
    hash.inputs[3] <== value;
    hash.inputs[4] <== salt;
    hash.out === commitment;

    // value < 2^64: without it a "value" near p would wrap around in every comparator.
    component valueBits = Num2Bits(64);
    valueBits.in <== value;

    signal queryIdHiSquared <== queryIdHi * queryIdHi;
    signal queryIdLoSquared <== queryIdLo * queryIdLo;
}
