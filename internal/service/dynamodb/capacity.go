package dynamodb

import (
	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Capacity units are computed as DynamoDB computes them: a read unit per
// 4 KB (half for eventually consistent reads, double in transactions), a
// write unit per 1 KB, each operation rounded up on its own, and writes
// to secondary indexes charged to those indexes.

func readUnits(size int, consistent bool) float64 {
	u := float64(max(1, (size+4095)/4096))
	if !consistent {
		u /= 2
	}
	return u
}

func writeUnits(size int) float64 { return float64(max(1, (size+1023)/1024)) }

// capacity accumulates the units of one request.
type capacity struct {
	mode  string // NONE, TOTAL, INDEXES
	table string
	units float64
	tbl   float64
	gsi   map[string]float64
	lsi   map[string]float64
}

func newCapacity(mode *string, table string) *capacity {
	return &capacity{mode: deref(mode), table: table}
}

func (c *capacity) addTable(u float64) { c.units += u; c.tbl += u }

func (c *capacity) addIndex(ix *indexMeta, u float64) {
	c.units += u
	m := &c.gsi
	if ix.Local {
		m = &c.lsi
	}
	if *m == nil {
		*m = map[string]float64{}
	}
	(*m)[ix.Name] += u
}

// addWrite charges a change: the table by the larger of the item's sizes,
// each index by what the change did to its entry.
func (c *capacity) addWrite(ch *change, factor float64) {
	size := max(attr.ItemSize(ch.old), attr.ItemSize(ch.new))
	c.addTable(writeUnits(size) * factor)
	for _, ix := range ch.t.indexes() {
		var oldIn, newIn bool
		var ok, nk itemKey
		if ch.old != nil {
			ok, oldIn = keyOf(ix.Keys, ch.old)
		}
		if ch.new != nil {
			nk, newIn = keyOf(ix.Keys, ch.new)
		}
		var u float64
		switch {
		case oldIn && newIn && string(ok.pk) == string(nk.pk) && string(ok.sk) == string(nk.sk):
			// Same index key: charged only if what the index holds changed.
			if np := project(ch.t, ix, ch.new); !sameItem(project(ch.t, ix, ch.old), np) {
				u = writeUnits(attr.ItemSize(np))
			}
		case oldIn && newIn:
			u = writeUnits(attr.ItemSize(project(ch.t, ix, ch.old))) + writeUnits(attr.ItemSize(project(ch.t, ix, ch.new)))
		case oldIn:
			u = writeUnits(attr.ItemSize(project(ch.t, ix, ch.old)))
		case newIn:
			u = writeUnits(attr.ItemSize(project(ch.t, ix, ch.new)))
		}
		if u > 0 {
			c.addIndex(ix, u*factor)
		}
	}
}

// out is the ConsumedCapacity to return, or nil when not asked for.
func (c *capacity) out() *dynamodbapi.ConsumedCapacity {
	if c == nil || (c.mode != "TOTAL" && c.mode != "INDEXES") {
		return nil
	}
	cc := &dynamodbapi.ConsumedCapacity{TableName: ptr(c.table), CapacityUnits: ptr(c.units)}
	if c.mode == "INDEXES" {
		cc.Table = &dynamodbapi.Capacity{CapacityUnits: ptr(c.tbl)}
		if len(c.gsi) > 0 {
			cc.GlobalSecondaryIndexes = map[string]dynamodbapi.Capacity{}
			for n, u := range c.gsi {
				cc.GlobalSecondaryIndexes[n] = dynamodbapi.Capacity{CapacityUnits: ptr(u)}
			}
		}
		if len(c.lsi) > 0 {
			cc.LocalSecondaryIndexes = map[string]dynamodbapi.Capacity{}
			for n, u := range c.lsi {
				cc.LocalSecondaryIndexes[n] = dynamodbapi.Capacity{CapacityUnits: ptr(u)}
			}
		}
	}
	return cc
}

// tableCapacities accumulates the capacity of a multi-table request, one
// ConsumedCapacity per table in the order tables first appear.
type tableCapacities struct {
	mode  *string
	m     map[string]*capacity
	order []string
}

func newTableCapacities(mode *string) *tableCapacities {
	return &tableCapacities{mode: mode, m: map[string]*capacity{}}
}

// table returns the accumulator of one table.
func (tc *tableCapacities) table(name string) *capacity {
	c := tc.m[name]
	if c == nil {
		c = newCapacity(tc.mode, name)
		tc.m[name] = c
		tc.order = append(tc.order, name)
	}
	return c
}

// out lists what to return (nil when not asked for).
func (tc *tableCapacities) out() []dynamodbapi.ConsumedCapacity {
	var out []dynamodbapi.ConsumedCapacity
	for _, name := range tc.order {
		if cc := tc.m[name].out(); cc != nil {
			out = append(out, *cc)
		}
	}
	return out
}
