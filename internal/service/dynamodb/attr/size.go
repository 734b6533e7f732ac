package attr

// Size is the size DynamoDB counts for one attribute value, following "Item
// sizes and formats" in the developer guide: strings their UTF-8 bytes,
// binaries their raw bytes, BOOL and NULL 1, L and M 3 bytes plus 1 per
// element plus the elements (with their names for M), sets the sum of their
// elements. For numbers the guide says "approximately 1 byte per two
// significant digits + 1"; we use the exact rule dynalite measured against
// DynamoDB's consumed capacity (the size of a base-100 mantissa aligned on
// the exponent, plus an exponent byte, plus 1 for negatives).
func Size(v *Value) int {
	switch {
	case v.S != nil:
		return len(*v.S)
	case v.N != nil:
		return numberSize(*v.N)
	case v.B != nil:
		return len(v.B)
	case v.BOOL != nil, v.NULL != nil:
		return 1
	case v.M != nil:
		n := 3
		for k, e := range v.M {
			n += len(k) + 1 + Size(&e)
		}
		return n
	case v.L != nil:
		n := 3
		for i := range v.L {
			n += 1 + Size(&v.L[i])
		}
		return n
	case v.SS != nil:
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case v.NS != nil:
		n := 0
		for _, s := range v.NS {
			n += numberSize(s)
		}
		return n
	case v.BS != nil:
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	}
	return 0
}

// numberSize: 1 for zero, else 1 + ceil(digits/2), plus 1 when the digit
// count is even and the leading exponent even (the pairs then straddle one
// more base-100 digit), plus 1 for negatives.
func numberSize(s string) int {
	d, ok := parseDecimal(s)
	if !ok {
		return len(s) + 1
	}
	if d.digits == "" {
		return 1
	}
	n := len(d.digits)
	size := 1 + (n+1)/2
	if n%2 == 0 && d.exp%2 == 0 {
		size++
	}
	if d.neg {
		size++
	}
	return size
}

// ItemSize sums len(name) + Size(value) over the item; the 400 KB item limit
// and capacity units use it.
func ItemSize(it Item) int {
	n := 0
	for k, v := range it {
		n += len(k) + Size(&v)
	}
	return n
}
