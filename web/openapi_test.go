package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
	"github.com/fundus-kb/fundus/web"
)

// openAPIMethods are the operation keys of an OpenAPI path item.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// specDoc is the part of the OpenAPI description the tests read.
type specDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

// servedSpec fetches /api/openapi.json through the router.
func servedSpec(t *testing.T, srv *web.Server) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	return rec.Body.Bytes()
}

// openAPIPath turns a mux path template into an OpenAPI path:
// "{id:.+}" becomes "{id}". Patterns may hold braces of their own.
func openAPIPath(tpl string) string {
	var b strings.Builder
	for i := 0; i < len(tpl); i++ {
		if tpl[i] != '{' {
			b.WriteByte(tpl[i])
			continue
		}
		depth, end := 0, -1
		for j := i; j < len(tpl); j++ {
			switch tpl[j] {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth == 0 {
				end = j
				break
			}
		}
		if end < 0 { // unbalanced: leave as it is
			b.WriteString(tpl[i:])
			break
		}
		name, _, _ := strings.Cut(tpl[i+1:end], ":")
		b.WriteString("{" + name + "}")
		i = end
	}
	return b.String()
}

func TestOpenAPIPath(t *testing.T) {
	tabletest.Map(t, "openAPIPath", openAPIPath, map[string]string{
		"/api/search":                     "/api/search",
		"/api/documents/{id:.+}":          "/api/documents/{id}",
		"/api/documents/{id:.+}/related":  "/api/documents/{id}/related",
		"/api/topics/{topic}":             "/api/topics/{topic}",
		"/x/{n:[0-9]{2,3}}/{m}":           "/x/{n}/{m}",
		"/feeds/search.atom":              "/feeds/search.atom",
		"/{a}/{b:[a-z]+}/c":               "/{a}/{b}/c",
		"/api/documents/{id:.+}/{v:[{]}}": "/api/documents/{id}/{v}",
	})
}

// serviceEndpoints are the routes outside /api/ and /feeds/ that the
// OpenAPI file describes too.
var serviceEndpoints = []string{"/healthz", "/readyz", "/metrics"}

// isAPIRoute reports whether a route belongs to the API the OpenAPI file
// describes: everything under /api/ and /feeds/, and the service
// endpoints. Other routes are pages of the web interface (HTML).
func isAPIRoute(path string) bool {
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/feeds/") || slices.Contains(serviceEndpoints, path)
}

// TestOpenAPICoversRoutes checks the served OpenAPI description against
// the router: every API route with each of its methods is described, and
// every described operation is a route.
func TestOpenAPICoversRoutes(t *testing.T) {
	srv := mustServer(t, atExample(t, web.Config{}), nil, nil)
	var spec specDoc
	if err := json.Unmarshal(servedSpec(t, srv), &spec); err != nil {
		t.Fatalf("the served description is not valid JSON: %v", err)
	}

	// The router's operations, as OpenAPI path → set of methods.
	routes := map[string]map[string]bool{}
	for _, r := range srv.Routes() {
		if !isAPIRoute(r.Path) {
			t.Logf("not an API route, not checked: %s %v", r.Path, r.Methods)
			continue
		}
		if len(r.Methods) == 0 {
			t.Errorf("route %s accepts any method; give it Methods(…) so it can be described", r.Path)
			continue
		}
		p := openAPIPath(r.Path)
		if routes[p] == nil {
			routes[p] = map[string]bool{}
		}
		for _, m := range r.Methods {
			routes[p][strings.ToLower(m)] = true
		}
	}
	if len(routes) < 10 {
		t.Fatalf("found only %d API routes: %v", len(routes), routes)
	}

	for p, methods := range routes {
		item, ok := spec.Paths[p]
		if !ok {
			t.Errorf("route %s is not in the OpenAPI paths", p)
			continue
		}
		for m := range methods {
			if _, ok := item[m]; !ok {
				t.Errorf("route %s %s is not described in the OpenAPI file", strings.ToUpper(m), p)
			}
		}
	}
	for p, item := range spec.Paths {
		for key := range item {
			if !slices.Contains(openAPIMethods, key) {
				continue // parameters, summary, description …
			}
			if !routes[p][key] {
				t.Errorf("OpenAPI describes %s %s, which the router does not serve", strings.ToUpper(key), p)
			}
		}
	}
}

var openAPIVersion = regexp.MustCompile(`^3\.1\.\d+$`)

// TestOpenAPIDocument checks the served description: valid JSON, OpenAPI
// 3.1.x, the same bytes as web/openapi.json, unique operation ids, and
// every local $ref resolving.
func TestOpenAPIDocument(t *testing.T) {
	srv := mustServer(t, atExample(t, web.Config{}), nil, nil)
	served := servedSpec(t, srv)
	if !json.Valid(served) {
		t.Fatal("the served description is not valid JSON")
	}
	onDisk, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(served, onDisk) {
		t.Error("the served description differs from web/openapi.json")
	}
	var doc map[string]any
	if err := json.Unmarshal(served, &doc); err != nil {
		t.Fatal(err)
	}
	if v, _ := doc["openapi"].(string); !openAPIVersion.MatchString(v) {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil || info["license"] == nil {
		t.Errorf("info lacks title, version or license: %v", info)
	}

	ids := map[string]string{}
	paths, _ := doc["paths"].(map[string]any)
	for p, item := range paths {
		for m, op := range item.(map[string]any) {
			if !slices.Contains(openAPIMethods, m) {
				continue
			}
			id, _ := op.(map[string]any)["operationId"].(string)
			where := strings.ToUpper(m) + " " + p
			switch {
			case id == "":
				t.Errorf("%s has no operationId", where)
			case ids[id] != "":
				t.Errorf("operationId %s is used by %s and %s", id, ids[id], where)
			}
			ids[id] = where
		}
	}

	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$ref" {
					if _, ok := resolvePointer(doc, s); !ok {
						t.Errorf("%s: $ref %q does not resolve", at, s)
					}
					continue
				}
				walk(x, at+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
}

// resolvePointer resolves a local reference "#/a/b" in doc.
func resolvePointer(doc map[string]any, ref string) (any, bool) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}
