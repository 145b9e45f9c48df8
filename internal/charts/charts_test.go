package charts

import (
	"encoding/json"
	"strings"
	"testing"
)

func decode(t *testing.T, c Chart) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(c.Option), &m); err != nil {
		t.Fatalf("%s: option is not JSON: %v\n%s", c.ID, err, c.Option)
	}
	return m
}

func TestLineOption(t *testing.T) {
	c, err := Line("trend", "Revenue", Money, []string{"jan/26", "fev/26"},
		Series{Name: "Receita", Values: []float64{1234.5, 0}}, Series{Name: "Pipeline", Values: []float64{10, 20}})
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, c)
	x := m["xAxis"].(map[string]any)
	if got := x["data"].([]any); len(got) != 2 || got[0] != "jan/26" {
		t.Fatalf("x axis = %v", got)
	}
	series := m["series"].([]any)
	if len(series) != 2 {
		t.Fatalf("series = %v", series)
	}
	first := series[0].(map[string]any)
	if first["type"] != "line" || first["name"] != "Receita" {
		t.Fatalf("first series = %v", first)
	}
	data := first["data"].([]any)
	if v := data[1].(map[string]any)["value"]; v != 0.0 {
		t.Fatalf("a zero value must stay in the data, got %v", data[1])
	}
	if l := m["legend"].(map[string]any); l["bottom"] != 0.0 {
		t.Fatalf("legend should sit below the plot: %v", l)
	}
	if _, ok := m["title"]; ok {
		t.Fatal("the page titles the chart; the option must not")
	}
	if c.Format != Money || c.Kind != "line" {
		t.Fatalf("chart = %+v", c)
	}
}

func TestOptionEscapesMarkup(t *testing.T) {
	c, err := Bar("tiers", "x", Money, []string{`</script><script>alert(1)</script>`}, Series{Name: `"&<b>`, Values: []float64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(c.Option, "<>&") {
		t.Fatalf("option carries raw markup: %s", c.Option)
	}
	m := decode(t, c)
	if got := m["xAxis"].(map[string]any)["data"].([]any)[0]; got != `</script><script>alert(1)</script>` {
		t.Fatalf("label changed by escaping: %v", got)
	}
}

func TestFunnelAndGauge(t *testing.T) {
	f, err := Funnel("funnel", "Pipeline", Money, []string{"registered", "qualified"}, []float64{300, 200})
	if err != nil {
		t.Fatal(err)
	}
	fs := decode(t, f)["series"].([]any)[0].(map[string]any)
	if fs["type"] != "funnel" || fs["sort"] != "none" || len(fs["data"].([]any)) != 2 {
		t.Fatalf("funnel series = %v", fs)
	}
	g, err := Gauge("adoption", "Adoption", "Adoption", 50)
	if err != nil {
		t.Fatal(err)
	}
	gm := decode(t, g)
	gs := gm["series"].([]any)[0].(map[string]any)
	if gs["type"] != "gauge" || gs["data"].([]any)[0].(map[string]any)["value"] != 50.0 {
		t.Fatalf("gauge series = %v", gs)
	}
	if g.Format != Percent {
		t.Fatalf("gauge format = %s", g.Format)
	}
}
