package attr

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func num(s string) Value  { return Value{N: &s} }
func str(s string) Value  { return Value{S: &s} }
func bin(b ...byte) Value { return Value{B: append([]byte{}, b...)} }

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// edgeNumbers are canonical numbers at the corners of the encoding: range
// limits, 38 digits, odd and even digit counts, prefixes, and neighbours.
func edgeNumbers() []string {
	nines := strings.Repeat("9", 38)
	out := []string{
		"0", "1", "-1", "2", "-2", "9", "-9", "10", "-10", "11", "-11", "100", "-100", "101", "-101",
		"1.1", "-1.1", "1.01", "-1.01", "1.001", "-1.001", "1.0001", "-1.0001", "1.00001",
		"0.1", "-0.1", "0.01", "-0.01", "0.11", "-0.11", "0.5", "-0.5", "0.99", "-0.99",
		"12", "123", "1234", "12345", "-12", "-123", "-1234", "-12345",
		"19", "91", "99", "-99", "999", "-999", "1000", "-1000",
		nines, "-" + nines, "1" + strings.Repeat("0", 36) + "1", "0." + nines, "-0." + nines,
		"1" + strings.Repeat("0", 125), "-1" + strings.Repeat("0", 125),
		nines + strings.Repeat("0", 88), "-" + nines + strings.Repeat("0", 88),
		"0." + strings.Repeat("0", 129) + "1", "-0." + strings.Repeat("0", 129) + "1",
		"0." + strings.Repeat("0", 129) + "11", "-0." + strings.Repeat("0", 129) + "11",
		"0." + strings.Repeat("0", 92) + nines, "-0." + strings.Repeat("0", 92) + nines,
	}
	for i, s := range out {
		c, err := CanonicalNumber(s)
		if err != nil || c != s {
			panic("edge number not canonical: " + s)
		}
		out[i] = c
	}
	return out
}

// TestKeyBytesOrderMatchesCompare checks every pair of many edge and random
// numbers: bytes.Compare on KeyBytes agrees with Compare (and with big.Rat).
func TestKeyBytesOrderMatchesCompare(t *testing.T) {
	nums := edgeNumbers()
	r := rand.New(rand.NewPCG(3, 4))
	for range 600 {
		c, err := CanonicalNumber(randomNumber(r))
		if err != nil {
			t.Fatal(err)
		}
		nums = append(nums, c)
	}
	vals := make([]Value, len(nums))
	keys := make([][]byte, len(nums))
	for i, s := range nums {
		vals[i] = num(s)
		keys[i] = KeyBytes(&vals[i])
		back, err := DecodeKey("N", keys[i])
		if err != nil || *back.N != s {
			t.Fatalf("DecodeKey(KeyBytes(%s)) = %v, %v", s, back.N, err)
		}
	}
	for i := range vals {
		ri := rat(t, nums[i])
		for j := range vals {
			c, ok := Compare(&vals[i], &vals[j])
			if !ok {
				t.Fatal("numbers not comparable")
			}
			if want := ri.Cmp(rat(t, nums[j])); c != want {
				t.Fatalf("Compare(%s, %s) = %d, big.Rat says %d", nums[i], nums[j], c, want)
			}
			if k := sign(bytes.Compare(keys[i], keys[j])); k != c {
				t.Fatalf("key order of %s, %s = %d, Compare = %d (keys %x, %x)", nums[i], nums[j], k, c, keys[i], keys[j])
			}
		}
	}
	// And sorting by key sorts by value.
	idx := make([]int, len(nums))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
	for i := 1; i < len(idx); i++ {
		if c, _ := Compare(&vals[idx[i-1]], &vals[idx[i]]); c > 0 {
			t.Fatalf("sorted keys out of order at %s, %s", nums[idx[i-1]], nums[idx[i]])
		}
	}
}

func TestKeyBytesNumberLayout(t *testing.T) {
	for _, tc := range []struct {
		n    string
		want []byte
	}{
		{"0", []byte{0x02}},
		{"1", []byte{0x03, 0x80, 0x00, 10}},
		{"12", []byte{0x03, 0x80, 0x01, 12}},
		{"123", []byte{0x03, 0x80, 0x02, 12, 30}},
		{"0.5", []byte{0x03, 0x7f, 0xff, 50}},
		{"-1", []byte{0x01, 0x7f, 0xff, 89, 0xff}},
		{"-12.5", []byte{0x01, 0x7f, 0xfe, 87, 49, 0xff}},
	} {
		v := num(tc.n)
		if got := KeyBytes(&v); !bytes.Equal(got, tc.want) {
			t.Errorf("KeyBytes(%s) = %x, want %x", tc.n, got, tc.want)
		}
	}
	// Non-canonical spellings encode like their canonical form.
	a, b := num("1.50e1"), num("15")
	if !bytes.Equal(KeyBytes(&a), KeyBytes(&b)) {
		t.Error("1.50e1 and 15 encode differently")
	}
	for _, v := range []Value{num("abc"), {BOOL: new(bool)}, {}, {SS: []string{"a"}}} {
		if k := KeyBytes(&v); k != nil {
			t.Errorf("KeyBytes(%v) = %x, want nil", v, k)
		}
	}
}

func TestKeyBytesStringsAndBinary(t *testing.T) {
	strs := []string{"", "A", "Z", "a", "a\x00", "ab", "b", "é", "\u00ff", "\u0100", "\uffff", "𝄞", "\U0010ffff", "ZZ"}
	for _, a := range strs {
		for _, b := range strs {
			va, vb := str(a), str(b)
			c, ok := Compare(&va, &vb)
			if !ok || sign(bytes.Compare(KeyBytes(&va), KeyBytes(&vb))) != c {
				t.Errorf("S order of %q, %q: Compare %d, keys disagree", a, b, c)
			}
		}
		v := str(a)
		back, err := DecodeKey("S", KeyBytes(&v))
		if err != nil || *back.S != a {
			t.Errorf("S round trip %q -> %v, %v", a, back.S, err)
		}
	}
	// UTF-8 byte order is code point order, not UTF-16 order.
	hi, astral := str("\uffff"), str("𝄞")
	if c, _ := Compare(&hi, &astral); c != -1 {
		t.Error("U+FFFF should sort before U+1D11E")
	}

	bins := [][]byte{{}, {0}, {0, 0}, {1}, {0x7f}, {0x80}, {0xff}, {0xff, 0}}
	for _, a := range bins {
		for _, b := range bins {
			va, vb := bin(a...), bin(b...)
			c, ok := Compare(&va, &vb)
			if !ok || sign(bytes.Compare(KeyBytes(&va), KeyBytes(&vb))) != c {
				t.Errorf("B order of %x, %x: Compare %d, keys disagree", a, b, c)
			}
		}
		v := bin(a...)
		back, err := DecodeKey("B", KeyBytes(&v))
		if err != nil || back.B == nil || !bytes.Equal(back.B, a) {
			t.Errorf("B round trip %x -> %x, %v", a, back.B, err)
		}
	}
}

func TestDecodeKeyRejectsMalformed(t *testing.T) {
	for _, b := range [][]byte{
		nil, {}, {0x00}, {0x04}, {0x02, 0x00},
		{0x03}, {0x03, 0x80}, {0x03, 0x80, 0x00}, // no mantissa
		{0x03, 0x80, 0x00, 100},        // pair > 99
		{0x03, 0x80, 0x00, 5},          // leading zero digit
		{0x03, 0x80, 0x00, 12, 0},      // trailing zero pair
		{0x03, 0x80, 0x7f, 10},         // exponent 127: out of range
		{0x01, 0x7f, 0xff, 89},         // negative without terminator
		{0x01, 0x7f, 0xff, 0xff},       // negative without mantissa
		{0x01, 0x7f, 0xff, 0xfe, 0xff}, // pair > 99
	} {
		if v, err := DecodeKey("N", b); err == nil {
			t.Errorf("DecodeKey(N, %x) = %v, want error", b, *v.N)
		}
	}
	if _, err := DecodeKey("BOOL", []byte{1}); err == nil {
		t.Error("DecodeKey(BOOL) should fail")
	}
}

func BenchmarkKeyBytesNumber(b *testing.B) {
	v := num("-12345.678")
	b.ReportAllocs()
	for b.Loop() {
		KeyBytes(&v)
	}
}
