package attr

import (
	"strings"
	"testing"
)

func TestSize(t *testing.T) {
	tru := true
	for _, tc := range []struct {
		name string
		v    Value
		want int
	}{
		{"S ascii", str("abc"), 3},
		{"S empty", str(""), 0},
		{"S utf-8 bytes", str("é𝄞"), 2 + 4},
		{"B raw bytes", bin(1, 2, 3), 3},
		{"B empty", bin(), 0},
		{"BOOL", Value{BOOL: &tru}, 1},
		{"NULL", Value{NULL: &tru}, 1},
		// Numbers: base-100 mantissa + exponent byte (+1 negative), the
		// formula dynalite checked against DynamoDB's consumed capacity.
		{"N 0", num("0"), 1},
		{"N 1", num("1"), 2},
		{"N 12", num("12"), 2},
		{"N 123", num("123"), 3},
		{"N 1234", num("1234"), 3},
		{"N 12345", num("12345"), 4},
		{"N 1.2", num("1.2"), 3},
		{"N 0.5", num("0.5"), 2},
		{"N 0.05", num("0.05"), 2},
		{"N 1.5e100", num("1.5e100"), 3},
		{"N -1", num("-1"), 3},
		{"N -12345", num("-12345"), 5},
		{"N trailing zeros are free", num("1" + strings.Repeat("0", 100)), 2},
		{"N 38 digits", num(strings.Repeat("7", 38)), 20},
		{"N not a number", num("abc"), 4},
		{"SS sums elements", Value{SS: []string{"a", "bc", ""}}, 3},
		{"NS sums elements", Value{NS: []string{"1", "-1"}}, 5},
		{"BS sums elements", Value{BS: [][]byte{{1}, {1, 2}}}, 3},
		{"L empty", Value{L: []Value{}}, 3},
		{"M empty", Value{M: Item{}}, 3},
		{"L one", Value{L: []Value{str("xy")}}, 3 + 1 + 2},
		{"L two", Value{L: []Value{str("xy"), num("1")}}, 3 + (1 + 2) + (1 + 2)},
		{"M with names", Value{M: Item{"a": str("xy"), "bcd": {BOOL: &tru}}}, 3 + (1 + 1 + 2) + (3 + 1 + 1)},
		{"nested", Value{L: []Value{{M: Item{"k": {L: []Value{}}}}}}, 3 + 1 + (3 + 1 + 1 + 3)},
		{"unset", Value{}, 0},
	} {
		if got := Size(&tc.v); got != tc.want {
			t.Errorf("%s: Size = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestItemSize(t *testing.T) {
	tru := true
	it := Item{
		"id":   str("abc"),                   // 2 + 3
		"n":    num("12345"),                 // 1 + 4
		"flag": {BOOL: &tru},                 // 4 + 1
		"l":    {L: []Value{str("xy")}},      // 1 + 3 + 1 + 2
		"né":   {M: Item{"k": {NULL: &tru}}}, // 3 + 3 + 1 + 1 + 1
	}
	if got, want := ItemSize(it), 5+5+5+7+9; got != want {
		t.Errorf("ItemSize = %d, want %d", got, want)
	}
	if ItemSize(nil) != 0 {
		t.Error("ItemSize(nil) != 0")
	}
}
