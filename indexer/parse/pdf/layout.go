package pdf

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Layout: glyphs to lines, lines to reading order, lines to paragraphs.

// pageGlyph is a glyph in the frame of its text direction: x grows along
// the line, base grows down the page.
type pageGlyph struct {
	x0, x1, base, size float64
	text               string
	space              bool // a word break precedes the glyph
}

// line is a run of glyphs on one baseline: a whole line, or a fragment
// of one where a wide gap (a column gutter, a table cell) splits it.
type line struct {
	g                                    []pageGlyph
	x0, x1, top, bottom, base, size, mid float64
}

func (l *line) add(g pageGlyph) {
	if len(l.g) == 0 {
		l.x0, l.x1 = g.x0, g.x1
		l.top, l.bottom = math.Inf(1), math.Inf(-1)
	}
	l.g = append(l.g, g)
	l.x0, l.x1 = min(l.x0, g.x0), max(l.x1, g.x1)
	l.top, l.bottom = min(l.top, g.base-0.8*g.size), max(l.bottom, g.base+0.2*g.size)
	if g.size > l.size*1.01 || len(l.g) == 1 {
		l.size, l.base = g.size, g.base
	}
	l.mid = (l.top + l.bottom) / 2
}

// layout orders the glyphs of a page into paragraphs of lines. Glyphs
// are grouped by text direction (in steps of 1°, snapped to the axes within
// 11°) and each group is laid out in its own frame; the main direction
// comes first, other directions (rotated margin notes, stamps) follow in
// the order they were drawn.
func layout(glyphs []glyph) [][]*line {
	groups := map[int][]pageGlyph{}
	var keys []int
	for _, g := range glyphs {
		size := math.Hypot(g.ux, g.uy)
		if size < 0.01 {
			continue
		}
		dx, dy := g.ex-g.x, g.ey-g.y
		if math.Hypot(dx, dy) < 0.01*size {
			dx, dy = g.uy, -g.ux
		}
		deg := math.Atan2(dy, dx) * 180 / math.Pi
		if q := math.Round(deg/90) * 90; math.Abs(deg-q) <= 11 {
			deg = q
		} else {
			deg = math.Round(deg)
		}
		key := (int(deg) + 360) % 360
		sin, cos := math.Sincos(float64(key) * math.Pi / 180)
		switch key {
		case 0, 90, 180, 270:
			sin, cos = math.Round(sin), math.Round(cos)
		}
		// Rotate by -key degrees: the text runs along +x.
		x0, y0 := g.x*cos+g.y*sin, -g.x*sin+g.y*cos
		x1 := g.ex*cos + g.ey*sin
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], pageGlyph{
			x0: min(x0, x1), x1: max(x0, x1), base: -y0, size: size, text: g.text,
		})
	}
	slices.SortStableFunc(keys, func(a, b int) int { return len(groups[b]) - len(groups[a]) })
	var paras [][]*line
	for _, k := range keys {
		lines := readingOrder(joinRows(mergeLines(buildLines(groups[k]))))
		paras = append(paras, groupParagraphs(lines)...)
	}
	return paras
}

// sameRow reports whether two glyphs share a line: their boxes overlap
// vertically by half the smaller one's height (superscripts included).
func sameRow(aTop, aBottom, bTop, bBottom float64) bool {
	ov := min(aBottom, bBottom) - max(aTop, bTop)
	return ov >= 0.5*min(aBottom-aTop, bBottom-bTop)
}

func glyphRow(a, b pageGlyph) bool {
	return sameRow(a.base-0.8*a.size, a.base+0.2*a.size, b.base-0.8*b.size, b.base+0.2*b.size)
}

// buildLines joins glyphs, in the order they were drawn, into lines: a glyph
// continues the line when it is on the same row and close after the last
// glyph. Spaces come from space glyphs and from gaps between glyphs. A
// glyph drawn again over itself (fake bold) is dropped.
func buildLines(gs []pageGlyph) []*line {
	var lines []*line
	var cur *line
	space := false
	for _, g := range gs {
		if g.text != "" && strings.TrimSpace(g.text) == "" {
			space = true
			continue
		}
		if cur != nil {
			last := cur.g[len(cur.g)-1]
			sz := max(last.size, g.size)
			gap := g.x0 - last.x1
			back := -0.6 * sz
			if _, ok := accent(last.text); ok {
				back = -1.2 * sz // TeX draws an accent, then steps back to its letter
			}
			if glyphRow(last, g) && gap > back && gap < splitGap*sz {
				if g.text == last.text && math.Abs(g.x0-last.x0) < min(0.1*sz, (last.x1-last.x0)/2) &&
					math.Abs(g.base-last.base) < 0.1*sz {
					space = false
					continue
				}
				g.space = space || gap > wordGap*sz
				cur.add(g)
				space = false
				continue
			}
		}
		cur = &line{}
		cur.add(g)
		lines = append(lines, cur)
		space = false
	}
	return lines
}

// mergeLines joins line fragments that continue each other on a row but
// were drawn apart, and drops fragments drawn twice.
func mergeLines(lines []*line) []*line {
	n := len(lines)
	if n < 2 || n > maxMergeLines {
		return lines
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compare(lines[a].x0, lines[b].x0) })
	alive := allAlive(n)
	for _, j := range order {
		b := lines[j]
		best, bestGap := -1, math.Inf(1)
		for _, i := range order {
			a := lines[i]
			if i == j || !alive[i] || !sameRow(a.top, a.bottom, b.top, b.bottom) {
				continue
			}
			sz := max(a.size, b.size)
			if math.Abs(a.x0-b.x0) < 0.1*sz && math.Abs(a.x1-b.x1) < 0.1*sz && math.Abs(a.base-b.base) < 0.1*sz &&
				i < j && sameText(a, b) {
				alive[j] = false
				best = -1
				break
			}
			gap := b.x0 - a.x1
			if b.x0 <= a.x0 || gap <= -0.6*sz || gap >= splitGap*sz {
				continue
			}
			if math.Abs(gap) < bestGap {
				best, bestGap = i, math.Abs(gap)
			}
		}
		if best < 0 || !alive[j] {
			continue
		}
		a := lines[best]
		sz := max(a.size, b.size)
		a.join(b, b.x0-a.x1 > wordGap*sz)
		alive[j] = false
	}
	return keepAlive(lines, alive)
}

// joinRows joins fragments of a row that a wide gap separates when the
// gap is no column gutter: a line just above or below crosses it, as in
// justified text with wide spaces. Gaps that run down the page (columns,
// table cells) keep their fragments apart.
func joinRows(lines []*line) []*line {
	n := len(lines)
	if n < 3 || n > maxMergeLines {
		return lines
	}
	slices.SortStableFunc(lines, func(a, b *line) int { return compare(a.x0, b.x0) })
	alive := allAlive(n)
	for j, b := range lines {
		best := -1
		for i, a := range lines[:j] {
			sz := max(a.size, b.size)
			if alive[i] && math.Abs(a.base-b.base) < 0.3*sz && sameRow(a.top, a.bottom, b.top, b.bottom) &&
				b.x0 >= a.x1 && b.x0-a.x1 < 10*sz && (best < 0 || a.x1 > lines[best].x1) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		a := lines[best]
		sz := max(a.size, b.size)
		crossed := false
		for k, c := range lines {
			if k == best || k == j || !alive[k] {
				continue
			}
			if d := math.Abs(c.base - a.base); d > 0.5*sz && d < 1.6*sz &&
				c.x0 < a.x1-0.5*sz && c.x1 > b.x0+0.5*sz {
				crossed = true
				break
			}
		}
		if !crossed {
			continue
		}
		a.join(b, true)
		alive[j] = false
	}
	return keepAlive(lines, alive)
}

// join appends the glyphs of b to l, the first after a space when space
// is set.
func (l *line) join(b *line, space bool) {
	for k, g := range b.g {
		if k == 0 {
			g.space = g.space || space
		}
		l.add(g)
	}
}

// allAlive marks all of n lines as not yet merged into another.
func allAlive(n int) []bool {
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	return alive
}

// keepAlive returns the lines still alive, in place.
func keepAlive(lines []*line, alive []bool) []*line {
	out := lines[:0]
	for i, l := range lines {
		if alive[i] {
			out = append(out, l)
		}
	}
	return out
}

func sameText(a, b *line) bool {
	if len(a.g) != len(b.g) {
		return false
	}
	for i := range a.g {
		if a.g[i].text != b.g[i].text {
			return false
		}
	}
	return true
}

func compare(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// readingOrder puts lines into reading order (T. Breuel, "High Performance
// Document Layout Analysis", 2003): a line comes before another when their
// horizontal extents overlap and it is higher on the page, or when it lies
// entirely to the left of the other and no line between them in height
// spans the gap between the two. Columns are so read one after the other,
// and a full-width heading or figure caption between column sections
// separates them.
func readingOrder(lines []*line) []*line {
	slices.SortStableFunc(lines, func(a, b *line) int {
		if c := compare(a.mid, b.mid); c != 0 {
			return c
		}
		return compare(a.x0, b.x0)
	})
	n := len(lines)
	if n < 2 || n > maxOrderLines {
		return lines
	}
	succ := make([][]int, n)
	indeg := make([]int, n)
	for i := range n {
		for j := range n {
			if i != j && before(lines, i, j) {
				succ[i] = append(succ[i], j)
				indeg[j]++
			}
		}
	}
	done := make([]bool, n)
	out := make([]*line, 0, n)
	for len(out) < n {
		pick := -1
		for i := range n {
			if !done[i] && indeg[i] == 0 {
				pick = i
				break
			}
		}
		if pick < 0 { // a cycle: take the highest line left
			for i := range n {
				if !done[i] {
					pick = i
					break
				}
			}
		}
		done[pick] = true
		out = append(out, lines[pick])
		for _, j := range succ[pick] {
			indeg[j]--
		}
	}
	return out
}

// before reports whether lines[i] comes before lines[j]; lines are
// sorted by height.
func before(lines []*line, i, j int) bool {
	a, b := lines[i], lines[j]
	tol := 0.1 * min(a.size, b.size)
	if min(a.x1, b.x1)-max(a.x0, b.x0) > tol {
		if a.mid != b.mid {
			return a.mid < b.mid
		}
		return a.x0 < b.x0
	}
	if a.x0 >= b.x0 {
		return false
	}
	lo, hi := min(a.mid, b.mid), max(a.mid, b.mid)
	for k := min(i, j) + 1; k < max(i, j); k++ {
		c := lines[k]
		if c.mid > lo && c.mid < hi && c.x0 < a.x1 && c.x1 > b.x0 {
			return false
		}
	}
	if a.mid > b.bottom {
		// a is lower than b: only columns side by side put it first, not
		// a short line under something on the right (a letter's
		// greeting under its date).
		return columnsMeet(lines, i, j)
	}
	return true
}

// columnsMeet reports whether lines[i], left of and lower than
// lines[j], is in a column beside that of lines[j]: the run of lines above
// lines[i] in its column reaches up to the height of lines[j], or the run
// below lines[j] down to lines[i]. A run is made of lines that overlap its
// first line by half and either have about its font size or are aligned
// with it (a heading); it ends at a gap of more than four lines.
func columnsMeet(lines []*line, i, j int) bool {
	a, b := lines[i], lines[j]
	tol := 0.1 * min(a.size, b.size)
	inColumn := func(c, of *line) bool {
		sz := max(c.size, of.size)
		return min(c.x1, of.x1)-max(c.x0, of.x0) >= 0.5*min(c.x1-c.x0, of.x1-of.x0) &&
			(math.Abs(c.size-of.size) <= 0.2*sz || math.Abs(c.x0-of.x0) < sz || math.Abs(c.x1-of.x1) < sz)
	}
	top := a.top
	for k := i - 1; k >= 0 && top > b.bottom; k-- {
		c := lines[k]
		if c.x1 > b.x0+tol || !inColumn(c, a) {
			continue
		}
		if c.bottom < top-4*a.size {
			break
		}
		top = min(top, c.top)
	}
	if top <= b.bottom {
		return true
	}
	bottom := b.bottom
	for k := j + 1; k < len(lines) && bottom < a.top; k++ {
		c := lines[k]
		if c.x0 < a.x1-tol || !inColumn(c, b) {
			continue
		}
		if c.top > bottom+4*b.size {
			break
		}
		bottom = max(bottom, c.bottom)
	}
	return bottom >= a.top
}

// groupParagraphs groups ordered lines into paragraphs. A line continues the
// paragraph of the line before it when it is in the same column, in the
// same font size, and not further below than the usual line spacing; an
// indented line after a short one starts a new paragraph.
func groupParagraphs(lines []*line) [][]*line {
	step := lineStep(lines)
	var paras [][]*line
	var cur []*line
	right := 0.0
	for i, c := range lines {
		if len(c.g) == 0 {
			continue
		}
		if i > 0 && len(cur) > 0 && !samePara(cur[len(cur)-1], c, step, right) {
			paras = append(paras, cur)
			cur = nil
		}
		if len(cur) == 0 {
			right = c.x1
		}
		right = max(right, c.x1)
		cur = append(cur, c)
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	return paras
}

// lineStep is the most common distance between the baselines of
// consecutive lines of a column, as a fraction of the font size.
func lineStep(lines []*line) float64 {
	hist := map[float64]int{}
	for i := 1; i < len(lines); i++ {
		p, c := lines[i-1], lines[i]
		if math.Abs(p.size-c.size) > 0.05*p.size || min(p.x1, c.x1) <= max(p.x0, c.x0) || p.size <= 0 {
			continue
		}
		if r := (c.base - p.base) / p.size; r > 0.8 && r < 3 {
			hist[math.Round(r*20)/20]++
		}
	}
	return mostCommon(hist, 1.2)
}

func samePara(p, c *line, step, right float64) bool {
	sz := max(p.size, c.size)
	if math.Abs(c.base-p.base) < 0.3*sz && c.x0 >= p.x1-0.5*sz {
		return true // the same row, further right
	}
	d := c.base - p.base
	if d <= 0 || math.Abs(p.size-c.size) > 0.15*sz || min(p.x1, c.x1) <= max(p.x0, c.x0) {
		return false
	}
	if d > max(step*1.25, 1.0)*sz {
		return false
	}
	if c.x0-p.x0 > 0.8*sz && right-p.x1 > 2*sz {
		return false
	}
	return true
}

// paraText joins the lines of a paragraph. A line break becomes a space
// where the text wrapped (the next line's first word would not have fit on
// the line) and stays a line break where the line was ended early, as in
// an address. Hyphenated words are joined.
func paraText(para []*line) string {
	right := 0.0
	for _, l := range para {
		right = max(right, l.x1)
	}
	var b strings.Builder
	for i, l := range para {
		t := strings.TrimSpace(l.text())
		if t == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteString(t)
			continue
		}
		p := para[i-1]
		sep := " "
		if math.Abs(l.base-p.base) >= 0.3*max(l.size, p.size) && right-p.x1 > l.firstWord()+0.5*l.size {
			sep = "\n"
		}
		s := b.String()
		if joined, ok := joinHyphen(s, t); ok {
			b.Reset()
			b.WriteString(joined)
			continue
		}
		b.WriteString(sep)
		b.WriteString(t)
	}
	return strings.ReplaceAll(b.String(), "\u00ad", "")
}

// firstWord returns the width of the line's first word.
func (l *line) firstWord() float64 {
	end := l.x0
	for i, g := range l.g {
		if i > 0 && g.space {
			break
		}
		end = max(end, g.x1)
	}
	return end - l.x0
}

// text returns the line's text. Spacing accents drawn over a letter (as
// TeX does) become combining marks of that letter.
func (l *line) text() string {
	var b strings.Builder
	gs := l.g
	for i := 0; i < len(gs); i++ {
		g := gs[i]
		if comb, ok := accent(g.text); ok {
			c, tol := (g.x0+g.x1)/2, 0.05*g.size
			over := func(h pageGlyph) bool {
				r, _ := utf8.DecodeRuneInString(h.text)
				return unicode.IsLetter(r) && c >= h.x0-tol && c <= h.x1+tol
			}
			if i+1 < len(gs) && over(gs[i+1]) {
				if g.space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(gs[i+1].text)
				b.WriteRune(comb)
				i++
				continue
			}
			if i > 0 && over(gs[i-1]) {
				b.WriteRune(comb)
				continue
			}
		}
		if g.space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.text)
	}
	return b.String()
}

// accent returns the combining mark of a spacing accent or of a
// combining mark drawn on its own.
func accent(s string) (rune, bool) {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || size != len(s) {
		return 0, false
	}
	if unicode.Is(unicode.Mn, r) {
		return r, true
	}
	switch r {
	case '\u00a8':
		return '\u0308', true
	case '\u00b4', '\u02ca':
		return '\u0301', true
	case '`', '\u02cb':
		return '\u0300', true
	case '\u02c6':
		return '\u0302', true
	case '\u02dc':
		return '\u0303', true
	case '\u00af', '\u02c9':
		return '\u0304', true
	case '\u02d8':
		return '\u0306', true
	case '\u02d9':
		return '\u0307', true
	case '\u02da':
		return '\u030a', true
	case '\u00b8':
		return '\u0327', true
	case '\u02db':
		return '\u0328', true
	case '\u02c7':
		return '\u030c', true
	case '\u02dd':
		return '\u030b', true
	}
	return 0, false
}

// suspended are the words after which a line-final hyphen is a
// suspended hyphen ("Arbeits- und Lebenswelt") that stays.
var suspended = map[string]bool{"und": true, "oder": true, "bzw": true, "sowie": true, "bis": true,
	"wie": true, "noch": true, "als": true, "and": true, "or": true, "nor": true, "to": true}

// joinHyphen joins the text before a line break that ends in a hyphen
// with the text after it: a soft hyphen always goes; a hyphen before a
// lowercase letter goes too ("Innovations-" "kultur"), unless a conjunction
// follows it; before anything else it stays ("E-" "Mail"). It reports
// false when a does not end in a hyphen after a letter.
func joinHyphen(a, b string) (string, bool) {
	h, hs := utf8.DecodeLastRuneInString(a)
	if h != '-' && h != '\u00ad' && h != '\u2010' {
		return "", false
	}
	stem := a[:len(a)-hs]
	if l, _ := utf8.DecodeLastRuneInString(stem); !unicode.IsLetter(l) {
		return "", false
	}
	next, _ := utf8.DecodeRuneInString(b)
	switch {
	case h == '\u00ad':
		return stem + b, true
	case unicode.IsLower(next):
		word := strings.ToLower(strings.TrimRightFunc(strings.Fields(b)[0], func(r rune) bool { return !unicode.IsLetter(r) }))
		if suspended[word] {
			return a + " " + b, true
		}
		return stem + b, true
	case unicode.IsUpper(next) || unicode.IsDigit(next):
		return a + b, true
	}
	return "", false
}
