package expr

import (
	"cmp"
	"slices"
)

// trieNode is a node of the tree DynamoDB builds from the document paths of
// a projection or update expression, to reject paths that overlap (one is a
// prefix of the other) or conflict (one takes a map key and the other a list
// index at the same place).
type trieNode struct {
	kids []trieKid
}

type trieKid struct {
	el   PathElem
	node *trieNode // nil where a path ends
}

func (n *trieNode) find(el PathElem) int {
	for i, k := range n.kids {
		if k.el == el {
			return i
		}
	}
	return -1
}

// insert adds path, or returns the overlap or conflict error; "path one"
// is the path being inserted.
func (n *trieNode) insert(path Path) error {
	node := n
	for d, el := range path {
		i := node.find(el)
		if i < 0 {
			if len(node.kids) > 0 && node.kids[0].el.IsIndex != el.IsIndex {
				return errf(msgConflict, showPath(path), showPath(leafPath(path[:d], node, 0)))
			}
			node.kids = append(node.kids, trieKid{el: el, node: chain(path[d+1:])})
			return nil
		}
		if kid := node.kids[i]; kid.node != nil && d+1 < len(path) {
			node = kid.node
			continue
		}
		return errf(msgOverlap, showPath(path), showPath(leafPath(path[:d], node, i)))
	}
	return nil
}

func chain(rest Path) *trieNode {
	if len(rest) == 0 {
		return nil
	}
	return &trieNode{kids: []trieKid{{el: rest[0], node: chain(rest[1:])}}}
}

// leafPath is prefix followed by the path from node's kid i down to a leaf
// (first kids below it).
func leafPath(prefix Path, node *trieNode, i int) Path {
	out := slices.Clone(prefix)
	for node != nil && len(node.kids) > 0 {
		k := node.kids[i]
		out = append(out, k.el)
		node, i = k.node, 0
	}
	return out
}

// sortIndexes orders list-index kids by index, everywhere in the tree.
func (n *trieNode) sortIndexes() {
	if len(n.kids) > 0 && n.kids[0].el.IsIndex {
		slices.SortFunc(n.kids, func(a, b trieKid) int { return cmp.Compare(a.el.Index, b.el.Index) })
	}
	for _, k := range n.kids {
		if k.node != nil {
			k.node.sortIndexes()
		}
	}
}
