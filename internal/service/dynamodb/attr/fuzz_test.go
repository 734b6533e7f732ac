package attr

import (
	"bytes"
	"math/big"
	"testing"
)

var numberSeeds = []string{
	"", "0", "-0", "+0", "1", "-1", "1.50", "1e2", "1E+100", "1E-100", "0.0001", ".5", "5.", "+.5e-3",
	"0e1000", "1e126", "1e-131", "9.9999999999999999999999999999999999999E+125", "1e-130",
	"123456789012345678901234567890123456789", "12345678901234567890123456789012345678",
	"abc", " 1", "NaN", "1e", "1e12345678901", "1e2147483648", "1..2", "-", ".", "e5",
}

// FuzzCanonicalNumber: no panics; the canonical form is a fixed point, means
// the same number, and survives KeyBytes/DecodeKey.
func FuzzCanonicalNumber(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CanonicalNumber(s)
		v := num(s)
		KeyBytes(&v)
		Size(&v)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("CanonicalNumber(%q) error %T, want *Error", s, err)
			}
			return
		}
		if again, err := CanonicalNumber(c); err != nil || again != c {
			t.Fatalf("CanonicalNumber(%q) = %q, then %q, %v", s, c, again, err)
		}
		if CompareNumbers(s, c) != 0 {
			t.Fatalf("%q and its canonical form %q compare unequal", s, c)
		}
		cv := num(c)
		k := KeyBytes(&cv)
		if !bytes.Equal(k, KeyBytes(&v)) {
			t.Fatalf("KeyBytes(%q) != KeyBytes(%q)", s, c)
		}
		back, err := DecodeKey("N", k)
		if err != nil || *back.N != c {
			t.Fatalf("DecodeKey(KeyBytes(%q)) = %v, %v", c, back.N, err)
		}
		if Size(&v) != Size(&cv) {
			t.Fatalf("Size(%q) != Size(%q)", s, c)
		}
		if sum, err := AddNumbers(c, "0"); err != nil || sum != c {
			t.Fatalf("%s + 0 = %q, %v", c, sum, err)
		}
		if diff, err := SubNumbers(c, s); err != nil || diff != "0" {
			t.Fatalf("%s - %s = %q, %v", c, s, diff, err)
		}
	})
}

// FuzzKeyOrder: for valid numbers, byte order of KeyBytes, CompareNumbers and
// exact rational order agree, and sums and differences are exact; for
// strings, byte order of KeyBytes agrees with Compare.
func FuzzKeyOrder(f *testing.F) {
	for i, a := range numberSeeds {
		f.Add(a, numberSeeds[(i+1)%len(numberSeeds)])
	}
	f.Add("1.01", "1.1")
	f.Add("-1.01", "-1.1")
	f.Add("-1", "-1.0000000000000000000000000000000000001")
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, sb := str(a), str(b)
		c, _ := Compare(&sa, &sb)
		if k := sign(bytes.Compare(KeyBytes(&sa), KeyBytes(&sb))); k != c {
			t.Fatalf("S %q, %q: key order %d, Compare %d", a, b, k, c)
		}

		ca, erra := CanonicalNumber(a)
		cb, errb := CanonicalNumber(b)
		if erra != nil || errb != nil {
			return
		}
		va, vb := num(ca), num(cb)
		c, ok := Compare(&va, &vb)
		if !ok {
			t.Fatal("numbers not comparable")
		}
		ra, rb := rat(t, ca), rat(t, cb)
		if want := ra.Cmp(rb); c != want {
			t.Fatalf("Compare(%s, %s) = %d, exact %d", ca, cb, c, want)
		}
		if k := sign(bytes.Compare(KeyBytes(&va), KeyBytes(&vb))); k != c {
			t.Fatalf("N %s, %s: key order %d, Compare %d", ca, cb, k, c)
		}
		if (c == 0) != Equal(&va, &vb) {
			t.Fatalf("Equal(%s, %s) disagrees with Compare", ca, cb)
		}
		sum, err := AddNumbers(a, b)
		want := new(big.Rat).Add(ra, rb)
		if err == nil && rat(t, sum).Cmp(want) != 0 {
			t.Fatalf("%s + %s = %s, exact %s", ca, cb, sum, want.FloatString(140))
		}
		if err != nil && fits(want) {
			t.Fatalf("%s + %s: %v, but the sum fits", ca, cb, err)
		}
		diff, err := SubNumbers(a, b)
		want.Sub(ra, rb)
		if err == nil && rat(t, diff).Cmp(want) != 0 {
			t.Fatalf("%s - %s = %s, exact %s", ca, cb, diff, want.FloatString(140))
		}
		if err != nil && fits(want) {
			t.Fatalf("%s - %s: %v, but the difference fits", ca, cb, err)
		}
	})
}
