package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fundus-kb/fundus/web"
)

// axeVersion is the axe-core release the accessibility test runs (npm,
// pinned: a new release adds rules, which is a change to review, not a
// surprise in CI). `make axe-core` and .ci/run install it.
const axeVersion = "4.14.1"

// axeScript finds axe.min.js: $AXE_CORE_JS, else the copy `make
// axe-core` installs under .ci/axe. Without it the test skips (fails
// under CI=true) and says how to install it.
func axeScript(t *testing.T) []byte {
	t.Helper()
	path := os.Getenv("AXE_CORE_JS")
	if path == "" {
		path = filepath.Join("..", ".ci", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	js, err := os.ReadFile(path)
	if err != nil {
		msg := fmt.Sprintf("axe-core not found at %s: run `make axe-core` (npm install axe-core@%s) or set AXE_CORE_JS", path, axeVersion)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if !bytes.HasPrefix(js, []byte("/*! axe v"+axeVersion+"\n")) {
		t.Fatalf("%s is not axe-core %s: run `make axe-core`", path, axeVersion)
	}
	return js
}

// axeViolation is one rule that failed on a page, as axe reports it.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// TestAccessibility runs axe-core in Chromium on every page type, in
// German and English, at desktop and phone width, with every disclosure
// (filters, chart tables, the follow panel) open so that their content is
// checked too. A serious or critical violation fails the test; moderate
// and minor ones are logged.
func TestAccessibility(t *testing.T) {
	axe := axeScript(t)
	ts, b := browserTest(t, web.Config{})

	pages := []struct{ name, path string }{
		{"home", "/"},
		{"search", "/search?q=Innovationskultur&type=case&type=webinar"},
		{"a question with its answer box", "/search?q=Was+haben+wir+%C3%BCber+Fehlerkultur+gelernt%3F"},
		{"zero results", "/search?q=Zzyzxquatsch"},
		{"date error", "/search?q=Kultur&from=31.02.2020"},
		{"search tips", "/search/tips"},
		{"document", "/documents/cases/nordwerk-intrapreneurship"},
		{"topics", "/topics"},
		{"topic", "/topics/Open%20Innovation"},
		{"recommendations", "/recommendations"},
		{"follow", "/follow?topic=Open+Innovation"},
		{"sign-in", "/signin"},
		{"not found", "/documents/gibt/es/nicht"},
	}
	sizes := []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}}

	for _, lang := range []string{"de", "en"} {
		b.do("switch to "+lang, chromedp.Navigate(ts.URL+"/lang/"+lang))
		for _, size := range sizes {
			var opts []chromedp.EmulateViewportOption
			if size.mobile {
				opts = append(opts, chromedp.EmulateMobile)
			}
			b.do(size.name+" width", chromedp.EmulateViewport(size.width, size.height, opts...))
			for _, p := range pages {
				t.Run(lang+"/"+size.name+"/"+p.name, func(t *testing.T) {
					b := b.in(t)
					b.do("open "+p.path, chromedp.Navigate(ts.URL+p.path))
					if got := eval[string](b, `document.documentElement.lang`); got != lang {
						t.Fatalf("page language %q, want %q", got, lang)
					}
					vs := runAxe(b, axe)
					for _, v := range vs {
						msg := fmt.Sprintf("%s [%s] %s (%s)", v.ID, v.Impact, v.Help, v.HelpURL)
						for i, n := range v.Nodes {
							if i == 3 {
								msg += fmt.Sprintf("\n    … and %d more", len(v.Nodes)-3)
								break
							}
							msg += fmt.Sprintf("\n    %v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
						}
						if v.Impact == "serious" || v.Impact == "critical" {
							t.Error(msg)
						} else {
							t.Log(msg)
						}
					}
				})
			}
		}
	}
}

// runAxe injects axe into the page (unless it is there), opens every
// <details>, and returns the violations of the WCAG 2.x A and AA rules and
// axe's best practices.
func runAxe(b *browser, axe []byte) []axeViolation {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`typeof axe === 'undefined' && (function(){`+string(axe)+"\n})()")); err != nil {
		b.t.Fatalf("inject axe-core: %v", err)
	}
	// Every disclosure is opened, so that what it hides is checked too;
	// but a popover (the follow panel) covers the page below it as any
	// open menu does, so it is checked on its own, with the page's other
	// disclosures closed: open together, the page under it would count
	// as obscured.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details:not(.follow)').forEach(function (d) { d.open = true; })`)); err != nil {
		b.t.Fatal(err)
	}
	vs := axeViolations(ctx, b, `document`)
	popovers, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(function () {
		document.querySelectorAll('details:not(.follow)').forEach(function (d) { d.open = false; });
		var ps = document.querySelectorAll('details.follow');
		ps.forEach(function (d) { d.open = true; });
		return ps.length;
	})()`))
	if err != nil {
		b.t.Fatal(err)
	}
	if popovers > 0 {
		vs = append(vs, axeViolations(ctx, b, `{include: [['details.follow']]}`)...)
	}
	return vs
}

// axeViolations runs axe-core on context (a JavaScript expression: the
// document, or an include list) and returns its violations.
func axeViolations(ctx context.Context, b *browser, context string) []axeViolation {
	b.t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(`+context+`, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
		resultTypes: ['violations']
	}).then(function (r) { return JSON.stringify(r.violations); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe-core result: %v", err)
	}
	return vs
}
