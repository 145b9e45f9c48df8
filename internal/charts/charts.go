// Package charts builds the dashboards' charts with go-echarts and renders
// each as its ECharts option JSON only. The portal's CSP forbids the inline
// script go-echarts would emit, so templates put the JSON into a data
// attribute and ui/static/js/charts.js draws every chart with the vendored
// echarts.min.js (served from the binary), adding the locale's number
// formatters, resizing and reduced motion.
package charts

import (
	"encoding/json"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Palette is the series colours, each with at least 4.5:1 contrast on white.
var Palette = []string{"#0f6e6e", "#b45309", "#1d4ed8", "#7c3aed", "#be123c", "#15803d"}

// Format says how charts.js formats a chart's values.
type Format string

// Value formats.
const (
	Money   Format = "money"
	Count   Format = "count"
	Percent Format = "percent" // values 0–100
)

// Chart is a chart ready for a template: its option JSON and how to show
// its numbers. Option is a plain string: html/template escapes it into the
// data-option attribute, so no value can end the attribute or the element.
type Chart struct {
	ID, Title string
	Kind      string // line, bar, funnel, gauge
	Option    string
	Format    Format
}

// Series is one named line or set of bars.
type Series struct {
	Name   string
	Values []float64
}

// finish turns a go-echarts chart's options into the JSON the page carries,
// with the settings every portal chart shares: legend below the plot (it
// wraps on a phone), labels kept inside the grid, the palette, ARIA
// descriptions, and axis labels that hide rather than overlap.
func finish(id, title, kind string, f Format, raw map[string]any) (Chart, error) {
	// Round-trip through JSON so the options can be adjusted as plain maps.
	b, err := json.Marshal(raw)
	if err != nil {
		return Chart{}, fmt.Errorf("charts: %s: %w", id, err)
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		return Chart{}, fmt.Errorf("charts: %s: %w", id, err)
	}
	obj["color"] = Palette
	obj["aria"] = map[string]any{"enabled": true}
	obj["legend"] = map[string]any{"show": kind != "gauge", "bottom": 0, "type": "plain"}
	obj["grid"] = map[string]any{"left": 8, "right": 16, "top": 16, "bottom": 48, "containLabel": true}
	delete(obj, "title")
	delete(obj, "toolbox")
	switch kind {
	case "line", "bar":
		if xs, ok := obj["xAxis"].([]any); ok && len(xs) > 0 {
			if x, ok := xs[0].(map[string]any); ok {
				obj["xAxis"] = map[string]any{"type": "category", "data": x["data"],
					"axisLabel": map[string]any{"hideOverlap": true}}
			}
		}
		obj["yAxis"] = map[string]any{"type": "value", "axisLabel": map[string]any{"hideOverlap": true}}
		obj["tooltip"] = map[string]any{"trigger": "axis"}
	case "funnel":
		for _, s := range obj["series"].([]any) {
			m := s.(map[string]any)
			m["sort"] = "none" // stages in pipeline order, not by size
			m["left"], m["width"], m["top"], m["bottom"], m["minSize"] = "2%", "55%", 8, 48, "8%"
			m["label"] = map[string]any{"show": true, "position": "right", "color": "#1f2933"}
			m["labelLine"] = map[string]any{"show": true}
		}
		obj["tooltip"] = map[string]any{"trigger": "item"}
	case "gauge":
		for _, s := range obj["series"].([]any) {
			m := s.(map[string]any)
			m["min"], m["max"], m["splitNumber"] = 0, 100, 5
			m["radius"], m["center"] = "85%", []string{"50%", "55%"}
			m["progress"] = map[string]any{"show": true, "width": 14}
			m["axisLine"] = map[string]any{"lineStyle": map[string]any{"width": 14}}
			m["axisTick"] = map[string]any{"show": false}
			m["splitLine"] = map[string]any{"length": 8, "distance": -14}
			m["axisLabel"] = map[string]any{"distance": 20, "fontSize": 11, "color": "#52606d"}
			m["pointer"] = map[string]any{"width": 4, "length": "55%"}
			m["title"] = map[string]any{"show": false} // the card's heading names it
			m["detail"] = map[string]any{"valueAnimation": false, "fontSize": 22, "offsetCenter": []any{0, "70%"}, "color": "#1f2933"}
		}
		obj["tooltip"] = map[string]any{"trigger": "item"}
	}
	out, err := json.Marshal(obj) // escapes <, > and & as \u003c…
	if err != nil {
		return Chart{}, fmt.Errorf("charts: %s: %w", id, err)
	}
	return Chart{ID: id, Title: title, Kind: kind, Option: string(out), Format: f}, nil
}

// Line draws one line per series over the x labels.
func Line(id, title string, f Format, x []string, series ...Series) (Chart, error) {
	c := charts.NewLine()
	c.SetXAxis(x)
	for _, s := range series {
		data := make([]opts.LineData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.LineData{Value: v}
		}
		c.AddSeries(s.Name, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(x) <= 31)}))
	}
	c.Validate()
	return finish(id, title, "line", f, c.JSON())
}

// Bar draws one set of bars per series over the x labels.
func Bar(id, title string, f Format, x []string, series ...Series) (Chart, error) {
	c := charts.NewBar()
	c.SetXAxis(x)
	for _, s := range series {
		data := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.BarData{Value: v}
		}
		c.AddSeries(s.Name, data)
	}
	c.Validate()
	return finish(id, title, "bar", f, c.JSON())
}

// Funnel draws named values as a funnel, in the order given.
func Funnel(id, title string, f Format, names []string, values []float64) (Chart, error) {
	c := charts.NewFunnel()
	data := make([]opts.FunnelData, len(names))
	for i := range names {
		data[i] = opts.FunnelData{Name: names[i], Value: values[i]}
	}
	c.AddSeries(title, data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "inside"}))
	c.Validate()
	return finish(id, title, "funnel", f, c.JSON())
}

// Gauge draws one percentage (0–100).
func Gauge(id, title, name string, pct float64) (Chart, error) {
	c := charts.NewGauge()
	c.AddSeries(title, []opts.GaugeData{{Name: name, Value: pct}})
	c.Validate()
	return finish(id, title, "gauge", Percent, c.JSON())
}
