pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "./lib/committed_value.circom";
include "./lib/merkle_root.circom";

// SetMembership: "is the committed figure in the committed set?" — or, with negate = 1, "is it not?"
//
// The set is an indexed Merkle tree (sorted linked list in the leaves) of depth 20:
//   key(x) = x + 1 for each element x < 2^64, plus a low sentinel key 0;
//   the leaves, in ascending key order from index 0, are Poseidon(key, nextKey), where nextKey is
//   the next larger key, or 2^64 + 1 for the largest; unused leaves are 0.
// Exactly one leaf has key <= key(value) < nextKey. Its key equals key(value) iff value is in the set,
// so one Merkle path proves membership and non-membership alike (the sorted-adjacency argument with
// the neighbour stored in the leaf instead of proven by a second path).
//
// Proves: commitment == Poseidon(enterprise, fieldId, period, value, salt), value < 2^64, the leaf
//         Poseidon(leafKey, leafNext) is in the tree with root setRoot, leafKey, leafNext < 2^65,
//         leafKey <= value + 1 < leafNext, and answer == ((value + 1 == leafKey) XOR negate).
// Public signals (snarkjs order): answer, commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, setRoot, negate.
//
// The caller must enforce: all public inputs < p; query id halves, commitment, enterprise, fieldId
// and period as in CommittedValue; negate is 0 for "inSet" and 1 for "notInSet"; and, above all,
// that setRoot was built as described above from a sorted, duplicate-free list (buildIndexedSet in
// server/privacy-query/zk/indexedSet.ts). A malformed tree, e.g. one whose linked list skips an
// element, would let a member prove non-membership; the circuit cannot check a 2^20-leaf tree.
template SetMembership(depth) {
    signal input commitment;
    signal input queryIdHi;
    signal input queryIdLo;
    signal input enterprise;
    signal input fieldId;
    signal input period;
    signal input setRoot;
    signal input negate;
    signal input value;
    signal input salt;
    signal input leafKey;
    signal input leafNext;
    signal input pathElements[depth];
    signal input pathIndices[depth];
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

    component keyBits = Num2Bits(65);
    keyBits.in <== leafKey;
    component nextBits = Num2Bits(65);
    nextBits.in <== leafNext;

    // value < 2^64, so value + 1 < 2^65 and all three comparator inputs are 65-bit.
    component keyNotAbove = LessEqThan(65);
    keyNotAbove.in[0] <== leafKey;
    keyNotAbove.in[1] <== value + 1;
    keyNotAbove.out === 1;
    component belowNext = LessThan(65);
    belowNext.in[0] <== value + 1;
    belowNext.in[1] <== leafNext;
    belowNext.out === 1;

    component leaf = Poseidon(2);
    leaf.inputs[0] <== leafKey;
    leaf.inputs[1] <== leafNext;
    component tree = MerkleRoot(depth);
    tree.leaf <== leaf.out;
    tree.pathElements <== pathElements;
    tree.pathIndices <== pathIndices;
    tree.root === setRoot;

    component member = IsEqual();
    member.in[0] <== leafKey;
    member.in[1] <== value + 1;

    negate * (1 - negate) === 0;
    answer <== member.out + negate - 2 * member.out * negate;
}

component main {public [commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, setRoot, negate]} = SetMembership(20);
