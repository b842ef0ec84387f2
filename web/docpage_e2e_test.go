package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/fundus-kb/fundus/web"
)

// TestBrowserDocumentPage opens a recommendation in both languages at
// desktop and phone width, with JavaScript off: the body shows its list
// as a list with bold lead-ins, the page does not scroll sideways, a
// link to a passage (#p-N) scrolls to it and marks it, and the sidebar
// names glossary values in the page's language.
func TestBrowserDocumentPage(t *testing.T) {
	ts, b := browserTest(t, web.Config{})
	shots := screenshotDir(t)
	const page = "/documents/recommendations/monitoring-offener-innovation"
	for _, lang := range []struct{ code, topic, badge string }{
		{"de", "Innovationsmanagement", "Empfehlung"},
		{"en", "Innovation management", "Recommendation"},
	} {
		b.do("switch to "+lang.code, chromedp.Navigate(ts.URL+"/lang/"+lang.code))
		for _, size := range viewports {
			t.Run(lang.code+"/"+size.name, func(t *testing.T) {
				b := b.in(t)
				b.do("turn JavaScript off", scripts(false))
				defer b.do("turn JavaScript on", scripts(true))
				b.screenshot(shots, "document-"+lang.code+"-"+size.name, ts.URL+page, size.width)
				if got := eval[string](b, `document.documentElement.lang`); got != lang.code {
					t.Errorf("page language %q, want %q", got, lang.code)
				}
				items := eval[[]map[string]any](b, `Array.from(document.querySelectorAll('.doc-body ul > li')).map(li => ({
					display: getComputedStyle(li).display, h: li.getBoundingClientRect().height,
					right: li.getBoundingClientRect().right, bold: li.querySelector('strong') ? getComputedStyle(li.querySelector('strong')).fontWeight : '',
					id: li.id, text: li.innerText}))`)
				if len(items) != 5 {
					t.Fatalf("%d list items shown, want the five indicators", len(items))
				}
				width := eval[float64](b, `window.innerWidth`)
				for i, it := range items {
					if it["display"] != "list-item" || it["h"].(float64) <= 0 || it["right"].(float64) > width {
						t.Errorf("item %d shown as %v (%v px high, right edge %v of %v px)", i+1, it["display"], it["h"], it["right"], width)
					}
					if w, _ := it["bold"].(string); w < "600" {
						t.Errorf("item %d lead-in font weight %q, want bold", i+1, w)
					}
				}
				if n := eval[float64](b, `document.querySelectorAll('h1').length`); n != 1 {
					t.Errorf("%v h1 on the page, want 1", n)
				}
				if got := b.text(`.doc-meta a[href="/topics/Innovationsmanagement"]`); got != lang.topic {
					t.Errorf("topic %q, want %q", got, lang.topic)
				}
				if got := eval[string](b, `document.querySelector('.doc-head .badge').textContent.trim()`); got != lang.badge {
					t.Errorf("badge %q, want %q", got, lang.badge)
				}

				// A link to the second indicator lands on it.
				id, _ := items[1]["id"].(string)
				if id == "" {
					t.Fatal("the second indicator has no anchor")
				}
				b.do("open the passage", chromedp.Navigate(ts.URL+page+"#"+id))
				pos := eval[map[string]any](b, `(() => { const e = document.getElementById(`+"`"+id+"`"+`); const r = e.getBoundingClientRect();
					return {top: r.top, vh: window.innerHeight, bg: getComputedStyle(e).backgroundColor}; })()`)
				if top := pos["top"].(float64); top < 0 || top > pos["vh"].(float64) {
					t.Errorf("#%s is at %v px, outside the %v px window", id, top, pos["vh"])
				}
				if bg := pos["bg"]; bg == "rgba(0, 0, 0, 0)" || bg == "" {
					t.Errorf("#%s is not marked as the target (background %v)", id, bg)
				}

				// A table scrolls inside its box; the page does not.
				const program = "/documents/other/programmuebersicht-innopeers-2020"
				b.screenshot(shots, "document-table-"+lang.code+"-"+size.name, ts.URL+program, size.width)
				box := eval[map[string]float64](b, `(() => { const t = document.querySelector('.doc-body .table-scroll > table');
					if (!t) return {rows: 0}; const r = t.parentElement.getBoundingClientRect();
					return {rows: t.rows.length, left: r.left, right: r.right, iw: window.innerWidth}; })()`)
				if box["rows"] < 2 {
					t.Fatalf("%s shows no table (%v)", program, box)
				}
				if box["left"] < 0 || box["right"] > box["iw"] {
					t.Errorf("the table's box spans %v..%v px of a %v px window", box["left"], box["right"], box["iw"])
				}
			})
		}
	}
	checkConsole(t, b)
	t.Logf("screenshots in %s", shots)
}

// scripts switches the page's own scripts on or off (DevTools still
// evaluates the test's expressions).
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return chromedp.Void{}, err
	}
}
