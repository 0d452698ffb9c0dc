pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/committed_value.circom";

// DateValid: "is the licence valid on `date`?", i.e. validFrom <= date <= validTo.
//
// The committed figure of a licence is its validity interval packed into one 64-bit value:
//   value = validFrom * 2^32 + validTo      (dates as yyyymmdd integers, each < 2^32)
// so a licence uses the same commitment layout as every other figure. validFrom and validTo are
// each range-checked to 32 bits, which makes the packing injective.
//
// Proves: commitment == Poseidon(enterprise, fieldId, period, validFrom * 2^32 + validTo, salt),
//         validFrom, validTo, date < 2^32, and answer == (validFrom <= date && date <= validTo).
// Public signals (snarkjs order): answer, commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, date.
//
// The caller must enforce: all public inputs < p; query id halves, commitment, enterprise, fieldId
// and period as in CommittedValue; date is the query's and a real calendar day (yyyymmdd), so that
// integer order is date order. The holder must have committed a packed interval, not a plain figure.
template DateValid() {
    signal input commitment;
    signal input queryIdHi;
    signal input queryIdLo;
    signal input enterprise;
    signal input fieldId;
    signal input period;
    signal input date;
    signal input validFrom;
    signal input validTo;
    signal input salt;
    signal output answer;

    component fromBits = Num2Bits(32);
    fromBits.in <== validFrom;
    component toBits = Num2Bits(32);
    toBits.in <== validTo;
    component dateBits = Num2Bits(32);
    dateBits.in <== date;

    component committed = CommittedValue();
    committed.commitment <== commitment;
    committed.queryIdHi <== queryIdHi;
    committed.queryIdLo <== queryIdLo;
    committed.enterprise <== enterprise;
    committed.fieldId <== fieldId;
    committed.period <== period;
    committed.value <== validFrom * 4294967296 + validTo;
    committed.salt <== salt;

    component started = LessEqThan(32);
    started.in[0] <== validFrom;
    started.in[1] <== date;
    component notExpired = LessEqThan(32);
    notExpired.in[0] <== date;
    notExpired.in[1] <== validTo;
    answer <== started.out * notExpired.out;
}

component main {public [commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, date]} = DateValid();
