package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/fundus-kb/fundus/search"
)

// Charts are drawn on the server as SVG from html/template (charts.html):
// the numbers come from facet counts of the same searches an anonymous or
// signed-in visitor runs, so members-only documents count only for members.

// typeYearChart is a stacked bar chart of documents per year, one segment per
// document type, with the data as a table.
type typeYearChart struct {
	ID      string
	Title   string
	Summary string // the text alternative
	Width   int
	Height  int
	Base    int // y of the x axis
	Bars    []typeYearBar
	Legend  []legendItem
	// Table is the data: one row per year, one column per type.
	Types   []string // type labels, in order
	Rows    []yearRow
	Undated []int // per type, documents without a date
	// UndatedTotal and Total are all undated and all documents.
	UndatedTotal, Total int
	Max                 int
	Ticks               []tick
}

type typeYearBar struct {
	Year      string
	URL       string
	X, W      float64
	LabelX    float64
	Total     int
	TotalY    float64
	ShowLabel bool
	Segments  []segment
	// Title names the bar and its segments ("2020: 39 Dokumente
	// (Webinar-Notizen: 11, Praxisfälle: 21)"): the link's <title>, which is
	// both its accessible name and its tooltip. The segments have no titles
	// of their own, since a link's name must hold all the text inside it.
	Title string
}

type segment struct {
	Y, H  float64
	Class string // "s-webinar", ...: colour and pattern
}

type legendItem struct {
	Class, Label string
}

type yearRow struct {
	Year   string
	URL    string
	Counts []int
	Total  int
}

type tick struct {
	Y     float64
	Label string
}

// Chart geometry (viewBox units).
const (
	chartW      = 640
	chartH      = 240
	chartTop    = 16
	chartLeft   = 36
	chartRight  = 8
	chartBottom = 28
)

// yearTypeCounts counts documents per type and year among those that
// filters select: one facet search per type, read by year. It uses ctx, so
// visibility is the visitor's.
func (s *Server) yearTypeCounts(ctx context.Context, filters map[string][]string) (types []string, byType []map[string]int, totals []int, err error) {
	types = typeOrder
	byType = make([]map[string]int, len(types))
	totals = make([]int, len(types))
	errs := make([]error, len(types))
	var wg sync.WaitGroup
	for i, t := range types {
		wg.Go(func() {
			f := map[string][]string{search.FacetType: {t}}
			for k, v := range filters {
				f[k] = v
			}
			res, err := s.kb.Search(ctx, search.Request{Filters: f, Size: 1, NoSnippets: true, NoTypos: true, FacetSize: search.MaxFacetSize})
			if err != nil {
				errs[i] = fmt.Errorf("counting %s documents per year: %w", t, err)
				return
			}
			totals[i] = int(res.Total)
			byType[i] = map[string]int{}
			for _, fv := range res.Facets[search.FacetYear] {
				byType[i][fv.Value] = fv.Count
			}
		})
	}
	wg.Wait()
	return types, byType, totals, errors.Join(errs...)
}

// newTypeYearChart builds the chart of documents per year and type; base is
// the list the bars link to (with year=… added), extra its fixed query.
func newTypeYearChart(v *view, id, title string, types []string, byType []map[string]int, totals []int, base string, extra url.Values) *typeYearChart {
	c := &typeYearChart{ID: id, Title: title, Width: chartW, Height: chartH, Base: chartH - chartBottom}
	years := map[string]bool{}
	for _, m := range byType {
		for y := range m {
			years[y] = true
		}
	}
	ys := make([]string, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Strings(ys)
	var shown []int // indexes of types with documents
	for i, t := range types {
		if totals[i] > 0 {
			shown = append(shown, i)
			c.Types = append(c.Types, v.TypePlural(t))
			c.Legend = append(c.Legend, legendItem{Class: "s-" + t, Label: v.TypePlural(t)})
		}
	}
	for _, y := range ys {
		row := yearRow{Year: y}
		q := url.Values{}
		for k, vs := range extra {
			q[k] = vs
		}
		q.Set("year", y)
		row.URL = withQuery(base, q)
		for _, i := range shown {
			n := byType[i][y]
			row.Counts = append(row.Counts, n)
			row.Total += n
		}
		c.Max = max(c.Max, row.Total)
		c.Rows = append(c.Rows, row)
	}
	for _, i := range shown {
		dated := 0
		for _, n := range byType[i] {
			dated += n
		}
		c.Undated = append(c.Undated, totals[i]-dated)
		c.UndatedTotal += totals[i] - dated
		c.Total += totals[i]
	}
	if len(c.Rows) == 0 {
		c.Summary = v.N("chart.years.none", c.Total)
		return c
	}
	// Y scale: a round maximum with up to four ticks.
	step := niceStep(c.Max)
	top := ((c.Max + step - 1) / step) * step
	plotH := float64(c.Base - chartTop)
	scale := plotH / float64(top)
	for t := 0; t <= top; t += step {
		c.Ticks = append(c.Ticks, tick{Y: float64(c.Base) - float64(t)*scale, Label: strconv.Itoa(t)})
	}
	slot := float64(chartW-chartLeft-chartRight) / float64(len(c.Rows))
	every := 1 // label every nth year when there are many
	for slot*float64(every) < 34 {
		every++
	}
	for k, row := range c.Rows {
		b := typeYearBar{Year: row.Year, URL: row.URL, Total: row.Total}
		b.W = slot * 0.7
		b.X = chartLeft + float64(k)*slot + (slot-b.W)/2
		b.LabelX = b.X + b.W/2
		b.ShowLabel = k%every == 0 || k == len(c.Rows)-1 && (k%every) >= every/2
		y := float64(c.Base)
		var parts []string
		for j, i := range shown {
			n := row.Counts[j]
			if n == 0 {
				continue
			}
			h := float64(n) * scale
			y -= h
			b.Segments = append(b.Segments, segment{Y: y, H: h, Class: "s-" + types[i]})
			parts = append(parts, fmt.Sprintf("%s: %d", v.TypePlural(types[i]), n))
		}
		b.Title = row.Year + ": " + v.N("count.documents", row.Total)
		if len(parts) > 1 {
			b.Title += " (" + strings.Join(parts, ", ") + ")"
		}
		b.TotalY = y - 3
		c.Bars = append(c.Bars, b)
	}
	first, last := c.Rows[0].Year, c.Rows[len(c.Rows)-1].Year
	c.Summary = v.T("chart.years.summary", c.Total-c.UndatedTotal, first, last, busiest(c.Rows))
	if c.UndatedTotal > 0 {
		c.Summary += " " + v.N("chart.undated.short", c.UndatedTotal)
	}
	return c
}

// busiest is the year with the most documents.
func busiest(rows []yearRow) string {
	best := rows[0]
	for _, r := range rows {
		if r.Total > best.Total {
			best = r
		}
	}
	return best.Year
}

// niceStep is a round tick step for a scale up to m.
func niceStep(m int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000} {
		if m/s <= 4 {
			return s
		}
	}
	return (m/4/10000 + 1) * 10000
}

// barList is a horizontal bar chart of labelled counts (the largest topics).
type barList struct {
	ID, Title, Summary string
	Width, Height      int
	Items              []barItem
}

type barItem struct {
	Label, URL string
	Count      int
	Y, W       float64
	TextY      float64
}

// newBarList draws items as horizontal bars under their labels.
func newBarList(v *view, id, title string, items []linkView) *barList {
	const rowH, width, countW = 30, 360, 36
	c := &barList{ID: id, Title: title, Width: width, Height: len(items)*rowH + 4}
	maxN := 1
	for _, it := range items {
		maxN = max(maxN, it.Count)
	}
	for k, it := range items {
		c.Items = append(c.Items, barItem{Label: it.Text, URL: it.URL, Count: it.Count,
			TextY: float64(k*rowH + 12), Y: float64(k*rowH + 16),
			W: max(2, float64(width-countW)*float64(it.Count)/float64(maxN))})
	}
	if len(items) > 0 {
		c.Summary = v.T("chart.topics.summary", len(items), items[0].Text, items[0].Count)
	}
	return c
}

// coTopics are the topics most often tagged together with topic, from the
// topic facet of its search.
func coTopics(v *view, facets search.Facets, topic string, n int) []linkView {
	var out []linkView
	for _, fv := range facets[search.FacetTopics] {
		if fv.Value == topic || fv.Count == 0 {
			continue
		}
		out = append(out, linkView{Text: v.ValueName(fv.Value), URL: topicURL(fv.Value), Count: fv.Count})
	}
	slices.SortStableFunc(out, func(a, b linkView) int { return b.Count - a.Count })
	return out[:min(len(out), n)]
}

// recMatrix is the table of recommendations by addressee and policy area.
type recMatrix struct {
	Areas []string
	Rows  []matrixRow
	Max   int
}

type matrixRow struct {
	Addressee string
	Cells     []matrixCell
	Total     int
	URL       string
}

type matrixCell struct {
	Count int
	URL   string
	Level int // 0..4, the shade
	Title string
}

// recommendationMatrix counts recommendations per addressee and policy
// area: one search per addressee, read by policy area. Each cell links to
// the recommendations list filtered by both.
func (s *Server) recommendationMatrix(ctx context.Context, v *view, addressees, areas []search.FacetValue) (*recMatrix, error) {
	m := &recMatrix{}
	areaValues := make([]string, len(areas))
	for i, a := range areas {
		areaValues[i] = a.Value
		m.Areas = append(m.Areas, v.ValueName(a.Value))
	}
	rows := make([]matrixRow, len(addressees))
	errs := make([]error, len(addressees))
	var wg sync.WaitGroup
	for i, a := range addressees {
		wg.Go(func() {
			res, err := s.kb.Search(ctx, search.Request{
				Filters: map[string][]string{search.FacetType: {search.TypeRecommendation}, search.FacetAddressees: {a.Value}},
				Size:    1, NoSnippets: true, NoTypos: true, FacetSize: search.MaxFacetSize,
			})
			if err != nil {
				errs[i] = fmt.Errorf("counting recommendations to %q: %w", a.Value, err)
				return
			}
			counts := map[string]int{}
			for _, fv := range res.Facets[search.FacetPolicyArea] {
				counts[fv.Value] = fv.Count
			}
			row := matrixRow{Addressee: v.ValueName(a.Value), Total: int(res.Total),
				URL: withQuery("/recommendations", url.Values{"addressee": {a.Value}})}
			for _, area := range areaValues {
				n := counts[area]
				row.Cells = append(row.Cells, matrixCell{Count: n,
					URL:   withQuery("/recommendations", url.Values{"addressee": {a.Value}, "policy_area": {area}}),
					Title: v.T("matrix.cell", n, v.ValueName(a.Value), v.ValueName(area))})
			}
			rows[i] = row
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		for _, c := range r.Cells {
			m.Max = max(m.Max, c.Count)
		}
	}
	for i := range rows {
		for j := range rows[i].Cells {
			if n := rows[i].Cells[j].Count; n > 0 {
				rows[i].Cells[j].Level = 1 + 3*(n-1)/max(1, m.Max-1)
				if m.Max == 1 {
					rows[i].Cells[j].Level = 4
				}
			}
		}
	}
	m.Rows = rows
	return m, nil
}

// px formats an SVG coordinate with one decimal.
func px(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// chartData is the data of the chart templates: the view and the chart.
type chartData struct {
	V *view
	C any
}

// Chart is the data of the "year-chart", "bar-list", "rec-matrix" and
// "co-topics" templates.
func (v *view) Chart(c any) chartData { return chartData{V: v, C: c} }

// topicCoTopics is how many related topics a topic's page shows.
const topicCoTopics = 12

// topicCharts adds a topic's documents per year and type, and the topics
// seen with it, counted over the whole topic (not the page's filters).
func (s *Server) topicCharts(ctx context.Context, v *view, d *listData) error {
	topic := map[string][]string{search.FacetTopics: {d.Topic}}
	var (
		types   []string
		byType  []map[string]int
		totals  []int
		res     *search.Result
		errYear error
		errTop  error
		wg      sync.WaitGroup
	)
	wg.Go(func() { types, byType, totals, errYear = s.yearTypeCounts(ctx, topic) })
	wg.Go(func() {
		res, errTop = s.kb.Search(ctx, search.Request{Filters: topic, Size: 1, NoSnippets: true, NoTypos: true, FacetSize: search.MaxFacetSize, FilteredFacets: true})
	})
	wg.Wait()
	if err := errors.Join(errYear, errTop); err != nil {
		return fmt.Errorf("topic charts of %q: %w", d.Topic, err)
	}
	d.YearChart = newTypeYearChart(v, "chart-years", v.T("chart.years.title"), types, byType, totals, topicURL(d.Topic), nil)
	d.CoTopics = coTopics(v, res.Facets, d.Topic, topicCoTopics)
	return nil
}

// recommendationCharts adds the matrix of all recommendations by
// addressee and policy area.
func (s *Server) recommendationCharts(ctx context.Context, v *view, d *listData) error {
	res, err := s.kb.Search(ctx, search.Request{
		Filters: map[string][]string{search.FacetType: {search.TypeRecommendation}},
		Size:    1, NoSnippets: true, NoTypos: true, FacetSize: search.MaxFacetSize,
	})
	if err != nil {
		return fmt.Errorf("recommendation matrix: %w", err)
	}
	if len(res.Facets[search.FacetAddressees]) == 0 || len(res.Facets[search.FacetPolicyArea]) == 0 {
		return nil
	}
	m, err := s.recommendationMatrix(ctx, v, res.Facets[search.FacetAddressees], res.Facets[search.FacetPolicyArea])
	if err != nil {
		return err
	}
	d.Matrix = m
	return nil
}
