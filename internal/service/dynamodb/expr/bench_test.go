package expr

import "testing"

func BenchmarkFilterEval(b *testing.B) {
	it := item(b, `{"pk":{"S":"user#1"},"status":{"S":"active"},"n":{"N":"42"},"tags":{"SS":["a","b","c"]},"m":{"M":{"x":{"L":[{"N":"1"},{"N":"2"}]}}}}`)
	r := &Request{Names: names(b, `{"#s":"status"}`), Values: values(b, `{":a":{"S":"active"},":lo":{"N":"10"},":hi":{"N":"50"},":t":{"S":"b"},":two":{"N":"2"}}`)}
	c, err := r.Filter("#s = :a AND n BETWEEN :lo AND :hi AND contains(tags, :t) AND size(m.x) = :two")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := c.Eval(it); !ok {
			b.Fatal("want true")
		}
	}
}

func BenchmarkParseUpdate(b *testing.B) {
	vals := values(b, `{":v":{"S":"x"},":n":{"N":"1"},":l":{"L":[]}}`)
	b.ReportAllocs()
	for b.Loop() {
		r := &Request{Values: vals}
		if _, err := r.Update("SET a.b[1] = :v, c = if_not_exists(c, :n) + :n, l = list_append(if_not_exists(l, :l), :l) REMOVE d"); err != nil {
			b.Fatal(err)
		}
	}
}
