package web_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/fundus-kb/fundus/web"
)

// TestBrowserCharts renders the pages with charts in both languages at
// desktop and phone width: the chart is visible, inside the screen, the
// page does not scroll sideways, and the data table opens without
// JavaScript help (a <details>).
func TestBrowserCharts(t *testing.T) {
	ts, b := browserTest(t, web.Config{})
	shots := screenshotDir(t)
	pages := []struct{ name, path, chart string }{
		{"home", "/", "#chart-years svg"},
		{"topic", "/topics/Open%20Innovation", "#chart-years svg"},
		{"recommendations", "/recommendations", ".rec-matrix .table-scroll"},
	}
	for _, lang := range []string{"de", "en"} {
		b.do("switch to "+lang, chromedp.Navigate(ts.URL+"/lang/"+lang))
		for _, size := range viewports {
			for _, p := range pages {
				t.Run(lang+"/"+size.name+"/"+p.name, func(t *testing.T) {
					b := b.in(t)
					b.screenshot(shots, "charts-"+p.name+"-"+lang+"-"+size.name, ts.URL+p.path, size.width)
					if got := eval[string](b, `document.documentElement.lang`); got != lang {
						t.Errorf("page language %q, want %q", got, lang)
					}
					if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
						t.Errorf("the page scrolls sideways")
					}
					box := eval[map[string]float64](b, `(() => { const r = document.querySelector(`+"`"+p.chart+"`"+`).getBoundingClientRect(); return {w: r.width, h: r.height, l: r.left, r: r.right, iw: window.innerWidth}; })()`)
					if box["w"] < 200 || box["h"] < 80 {
						t.Errorf("chart %s is %vx%v px, too small to see", p.chart, box["w"], box["h"])
					}
					if box["l"] < 0 || box["r"] > box["iw"] {
						t.Errorf("chart %s spans %v..%v px, outside the %v px screen", p.chart, box["l"], box["r"], box["iw"])
					}
					// A picture of the charts alone, to judge them.
					ctx, cancel := context.WithTimeout(b.ctx, guard)
					png, err := chromedp.Run(ctx, chromedp.Screenshot(".charts"))
					cancel()
					if err != nil {
						t.Fatalf("screenshot of the charts: %v", err)
					}
					if err := os.WriteFile(filepath.Join(shots, "charts-"+p.name+"-"+lang+"-"+size.name+"-only.png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
					if p.name == "recommendations" {
						return
					}
					b.do("open the data table", chromedp.Click(`#chart-years details.chart-data summary`))
					if h := eval[float64](b, `document.querySelector("#chart-years details.chart-data table").getBoundingClientRect().height`); h <= 0 {
						t.Errorf("the data table does not open")
					}
					if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
						t.Errorf("the open data table makes the page scroll sideways")
					}
				})
			}
		}
	}
	checkConsole(t, b)
	t.Logf("screenshots in %s", shots)
}
