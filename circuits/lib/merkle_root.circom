pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";

// MerkleRoot(depth): the root of a fixed-depth binary Poseidon(2) Merkle tree, from a leaf and its path.
//
// Proves: root == the fold of leaf with pathElements, where pathIndices[i] = 1 means the node at
// level i is a right child. Each pathIndices[i] is constrained to be a bit. The depth is fixed, so
// an inner node can never be passed off as a leaf.
//
// The caller must enforce: that the root it compares against is the committed set's root.
template MerkleRoot(depth) {
    signal input leaf;
    signal input pathElements[depth];
    signal input pathIndices[depth];
    signal output root;

    signal nodes[depth + 1];
    signal left[depth];
    signal right[depth];
    component hashes[depth];

    nodes[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        pathIndices[i] * (1 - pathIndices[i]) === 0;
        // index bit 0: (node, sibling); bit 1: (sibling, node)
        left[i] <== nodes[i] + pathIndices[i] * (pathElements[i] - nodes[i]);
        right[i] <== nodes[i] + pathElements[i] - left[i];
        hashes[i] = Poseidon(2);
        hashes[i].inputs[0] <== left[i];
        hashes[i].inputs[1] <== right[i];
        nodes[i + 1] <== hashes[i].out;
    }
    root <== nodes[depth];
}
