package attr

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func zeros(n int) string { return strings.Repeat("0", n) }

func TestCanonicalNumber(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0", "0"},
		{"-0", "0"},
		{"+0", "0"},
		{"0.000", "0"},
		{"-0.0e-5", "0"},
		{"000", "0"},
		{"0e1000", "0"}, // accepted by DynamoDB (ScyllaDB test_invalid_numbers)
		{"1", "1"},
		{"+3", "3"},
		{"-7.1234", "-7.1234"},
		{"1.50", "1.5"},
		{"1.", "1"}, // Java BigDecimal syntax
		{".123", "0.123"},
		{"0001.23", "1.23"},
		{"1e2", "100"},
		{"1E2", "100"},
		{"1e+5", "100000"},
		{"1e-4", "0.0001"},
		{"0.0001", "0.0001"},
		{"0.00010", "0.0001"},
		{"-17e5", "-1700000"},
		{"-17.4E37", "-174" + zeros(36)},
		{"123.456e1", "1234.56"},
		{"123.456e-1", "12.3456"},
		{"123.456e3", "123456"},
		{"123.456e-3", "0.123456"},
		{"12300", "12300"},
		{"1230.0", "1230"},
		{"1e0000000002", "100"}, // leading zeros of the exponent do not count
		{"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
		{"1234567890123456789012345678901234567800000", "1234567890123456789012345678901234567800000"},
		{"0.00000000001234567890123456789012345678901234567800000", "0.000000000012345678901234567890123456789012345678"},
		{"3.1415926535897932384626433832795028841", "3.1415926535897932384626433832795028841"},
		{"31415926535897932384626433832795028841e30", "31415926535897932384626433832795028841" + zeros(30)},
		{"1e125", "1" + zeros(125)},
		{"-1e125", "-1" + zeros(125)},
		{"9.9999999999999999999999999999999999999E+125", strings.Repeat("9", 38) + zeros(88)},
		{"1e-130", "0." + zeros(129) + "1"},
		{"-1E-130", "-0." + zeros(129) + "1"},
		{"10e-131", "0." + zeros(129) + "1"},
	} {
		got, err := CanonicalNumber(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CanonicalNumber(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// DynamoDB writes numbers back in plain notation. Confirmed for large ones:
// 1E+100 comes back as 1 and 100 zeros (boto/boto3#2500) and
// 1.00000000000000007629769841092E+50 as 100000000000000007629769841092 and
// 21 zeros (boto/boto3#4636); small ones come back plain too ("0.0000001",
// aws/aws-sdk-js-v3#1983). 1E-100 as "0." + 99 zeros + "1" is the assumption
// that follows.
func TestCanonicalNumber_PlainNotationLikeDynamoDB_1E100Is1And100Zeros_1EMinus100IsZeroPoint99ZerosAnd1(t *testing.T) {
	for in, want := range map[string]string{
		"1E+100":                              "1" + zeros(100),
		"1.00000000000000007629769841092E+50": "100000000000000007629769841092000000000000000000000",
		"1E-7":                                "0.0000001",
		"1E-100":                              "0." + zeros(99) + "1",
	} {
		if got, err := CanonicalNumber(in); err != nil || got != want {
			t.Errorf("CanonicalNumber(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// Messages from dynalite's validation suite, which runs against DynamoDB
// (test/scan.js "empty/invalid numbers"); the range order (overflow,
// underflow, then digits) is dynalite's too.
func TestCanonicalNumberErrors(t *testing.T) {
	const (
		notNumeric = "The parameter cannot be converted to a numeric value"
		overflow   = "Number overflow. Attempting to store a number with magnitude larger than supported range"
		underflow  = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
		precision  = "Attempting to store more than 38 significant digits in a Number"
	)
	for _, tc := range []struct{ in, want string }{
		{"", notNumeric},
		{"b", notNumeric + ": b"},
		{"abc", notNumeric + ": abc"},
		{" 1", notNumeric + ":  1"},
		{"1 ", notNumeric + ": 1 "},
		{"NaN", notNumeric + ": NaN"},
		{"-NaN", notNumeric + ": -NaN"},
		{"Infinity", notNumeric + ": Infinity"},
		{"-Infinity", notNumeric + ": -Infinity"},
		{".", notNumeric + ": ."},
		{"-", notNumeric + ": -"},
		{"+", notNumeric + ": +"},
		{"--1", notNumeric + ": --1"},
		{"1..2", notNumeric + ": 1..2"},
		{"1.2.3", notNumeric + ": 1.2.3"},
		{"1e", notNumeric + ": 1e"},
		{"1e+", notNumeric + ": 1e+"},
		{"e5", notNumeric + ": e5"},
		{"1e1.5", notNumeric + ": 1e1.5"},
		{"0x10", notNumeric + ": 0x10"},
		{"1,000", notNumeric + ": 1,000"},
		{"1_000", notNumeric + ": 1_000"},
		{"١٢", notNumeric + ": ١٢"},
		// BigDecimal: more than 10 significant exponent digits, or a scale
		// outside int32, is not a number at all.
		{"1e12345678901", notNumeric + ": 1e12345678901"},
		{"0e12345678901", notNumeric + ": 0e12345678901"},
		{"1e2147483649", notNumeric + ": 1e2147483649"},
		{"1e2147483648", overflow},
		{"1e126", overflow},
		{"-1e126", overflow},
		{"11e125", overflow},
		{"1e100000000", overflow},
		{"1e-131", underflow},
		{"-1e-131", underflow},
		{"0.9e-130", underflow},
		{"123456789012345678901234567890123456789", precision},
		{"-1.23456789012345678901234567890123456789", precision},
		{"3.14159265358979323846264338327950288419", precision},
		{"314159265358979323846264338327950288419e30", precision},
		{"123456789012345678901234567890123456789e200", overflow},
	} {
		got, err := CanonicalNumber(tc.in)
		var e *Error
		if !errors.As(err, &e) || e.Msg != tc.want {
			t.Errorf("CanonicalNumber(%q) = %q, %v; want error %q", tc.in, got, err, tc.want)
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	ordered := []string{
		"-" + strings.Repeat("9", 38) + zeros(88),
		"-1e125", "-1e124", "-100", "-99.9", "-11", "-10.01", "-10", "-9", "-1.01", "-1.001", "-1",
		"-0.5", "-0.01", "-1e-130",
		"0",
		"1e-130", "1.1e-130", "0.001", "0.0011", "0.01", "0.1", "0.11", "1", "1.0000000000000000000000000000000000001", "1.001", "1.01",
		"1.1", "2", "9.99", "10", "10.5", "11", "99", "100", "1e124", "1e125", "9.9e125",
	}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := CompareNumbers(a, b); got != want {
				t.Errorf("CompareNumbers(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	// Non-canonical spellings compare by value.
	for _, p := range [][2]string{{"1", "1.0"}, {"-0", "0"}, {"1e2", "100"}, {"0.5", ".50"}} {
		if c := CompareNumbers(p[0], p[1]); c != 0 {
			t.Errorf("CompareNumbers(%s, %s) = %d", p[0], p[1], c)
		}
	}
}

func TestAddSubNumbers(t *testing.T) {
	nines := strings.Repeat("9", 38)
	for _, tc := range []struct{ a, op, b, want string }{
		// ScyllaDB test_update_expression_plus_precision (run against DynamoDB).
		{"1", "+", "10000000000000000000000", "10000000000000000000001"},
		{"10000000000000000000000", "-", "1", "9999999999999999999999"},
		{"9e125", "+", "9e124", "99" + zeros(124)},
		{"0.1", "+", "0.2", "0.3"},
		{"1.5", "+", "1.5", "3"},
		{"-5", "+", "3", "-2"},
		{"3", "-", "5", "-2"},
		{"5", "-", "5", "0"},
		{"-0.5", "-", "0.5", "-1"},
		{"0", "+", "0", "0"},
		{"0", "-", "7.25", "-7.25"},
		{"-7.25", "-", "0", "-7.25"},
		{"1e125", "+", "-1e125", "0"},
		{"1e-130", "+", "1e-130", "0." + zeros(129) + "2"},
		{nines, "+", "1", "1" + zeros(38)},                                       // carry out of 38 digits, 1 significant digit left
		{"9999999999999999999999999999999999999.9", "+", "0.1", "1" + zeros(37)}, // carry through the point
		{"1" + zeros(38), "-", "1e38", "0"},
		{"12345678901234567890123456789012345678", "-", "12345678901234567890123456789012345677", "1"},
		{"-12345678901234567890123456789012345678", "+", "12345678901234567890123456789012345679", "1"},
		{"0.1234567890123456789012345678901234567", "+", "1e-37", "0.1234567890123456789012345678901234568"},
		{"0.1234567890123456789012345678901234567", "+", "0.00000000000000000000000000000000000001", "0.12345678901234567890123456789012345671"},
		{nines + zeros(88), "-", "1e88", strings.Repeat("9", 37) + "8" + zeros(88)},
		{"1.23", "+", "-1.23", "0"},
		{"1.23e-100", "-", "2.46e-100", "-0." + zeros(99) + "123"},
	} {
		var got string
		var err error
		if tc.op == "+" {
			got, err = AddNumbers(tc.a, tc.b)
		} else {
			got, err = SubNumbers(tc.a, tc.b)
		}
		if err != nil || got != tc.want {
			t.Errorf("%s %s %s = %q, %v; want %q", tc.a, tc.op, tc.b, got, err, tc.want)
		}
	}
}

// DynamoDB fails SET a = :x + :y when the exact result does not fit; for lost
// precision (1e50 + 1) it reports "Number overflow" too (ScyllaDB
// test_update_expression_plus_imprecise quotes the text). Underflow of a
// result uses the input underflow text (assumed).
func TestAddSubNumbersErrors_PrecisionLossIsReportedAsOverflowLikeDynamoDB(t *testing.T) {
	const (
		overflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
		underflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	)
	nines := strings.Repeat("9", 38)
	for _, tc := range []struct{ a, op, b, want string }{
		{"9e125", "+", "9e125", overflow},
		{"9e125", "-", "-9e125", overflow},
		{"-9e125", "-", "9e125", overflow},
		{nines + "e88", "+", "1e88", overflow},
		{"1e50", "+", "1", overflow},
		{"1e50", "-", "1", overflow},
		{nines, "+", "2", overflow},
		{"1", "+", "1e-130", overflow},
		{"1.1e-130", "-", "1e-130", underflow},
		{"-1.1e-130", "+", "1e-130", underflow},
		{"abc", "+", "1", "The parameter cannot be converted to a numeric value: abc"},
		{"1", "-", "1e126", overflow},
	} {
		var got string
		var err error
		if tc.op == "+" {
			got, err = AddNumbers(tc.a, tc.b)
		} else {
			got, err = SubNumbers(tc.a, tc.b)
		}
		var e *Error
		if !errors.As(err, &e) || e.Msg != tc.want {
			t.Errorf("%s %s %s = %q, %v; want error %q", tc.a, tc.op, tc.b, got, err, tc.want)
		}
	}
}

// randomNumber returns a valid DynamoDB number in some spelling; numbers
// cluster (shared digit prefixes, nearby exponents) so comparisons get close.
func randomNumber(r *rand.Rand) string {
	var b strings.Builder
	if r.IntN(2) == 0 {
		b.WriteByte('-')
	}
	if r.IntN(20) == 0 {
		b.WriteString("0")
		return b.String()
	}
	n := 1 + r.IntN(MaxDigits)
	if r.IntN(3) == 0 {
		n = 1 + r.IntN(3)
	}
	digits := make([]byte, n)
	for i := range digits {
		digits[i] = byte('0' + r.IntN(10))
		if r.IntN(2) == 0 {
			digits[i] = '1' // shared prefixes
		}
	}
	digits[0] = byte('1' + r.IntN(9))
	exp := MinExponent + r.IntN(MaxExponent-MinExponent+1)
	if r.IntN(2) == 0 {
		exp = r.IntN(7) - 3
	}
	b.WriteByte(digits[0])
	if n > 1 {
		b.WriteByte('.')
		b.Write(digits[1:])
	}
	b.WriteString("e")
	b.WriteString(strings.TrimPrefix(big.NewInt(int64(exp)).String(), "+"))
	return b.String()
}

func rat(t testing.TB, s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("big.Rat cannot parse %q", s)
	}
	return r
}

// TestArithmeticAgainstBigRat checks canonical forms, Compare, Add and Sub
// against exact rational arithmetic on random numbers.
func TestArithmeticAgainstBigRat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		a, b := randomNumber(r), randomNumber(r)
		if mant, exp, ok := strings.Cut(a, "e"); ok && r.IntN(4) == 0 {
			// Same magnitude, so sums and differences keep their digits.
			b = mant[:min(3, len(mant))] + "e" + exp
		}
		ca, err := CanonicalNumber(a)
		if err != nil {
			t.Fatalf("CanonicalNumber(%q): %v", a, err)
		}
		cb, err := CanonicalNumber(b)
		if err != nil {
			continue
		}
		ra, rb := rat(t, ca), rat(t, cb)
		if ra.Cmp(rat(t, a)) != 0 {
			t.Fatalf("CanonicalNumber(%q) = %q changes the value", a, ca)
		}
		if got, want := CompareNumbers(ca, cb), ra.Cmp(rb); got != want {
			t.Fatalf("CompareNumbers(%s, %s) = %d, want %d", ca, cb, got, want)
		}
		for _, op := range []string{"+", "-"} {
			var got string
			want := new(big.Rat)
			if op == "+" {
				got, err = AddNumbers(ca, cb)
				want.Add(ra, rb)
			} else {
				got, err = SubNumbers(ca, cb)
				want.Sub(ra, rb)
			}
			if err == nil {
				if rat(t, got).Cmp(want) != 0 {
					t.Fatalf("%s %s %s = %s, want %s", ca, op, cb, got, want.FloatString(140))
				}
				if again, _ := CanonicalNumber(got); again != got {
					t.Fatalf("%s %s %s = %s, not canonical (%s)", ca, op, cb, got, again)
				}
				continue
			}
			// An error must mean the exact result does not fit.
			if fits(want) {
				t.Fatalf("%s %s %s: %v, but %s fits", ca, op, cb, err, want.FloatString(140))
			}
		}
	}
}

// fits reports whether an exact rational is a DynamoDB number.
func fits(x *big.Rat) bool {
	if x.Sign() == 0 {
		return true
	}
	s := x.FloatString(200)
	if rat(nil, s).Cmp(x) != 0 {
		return false // more than 200 fraction digits
	}
	_, err := CanonicalNumber(s)
	return err == nil
}

func BenchmarkCanonicalNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		CanonicalNumber("12345.678")
	}
}

func BenchmarkAddNumbers(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		AddNumbers("12345.678", "1")
	}
}
