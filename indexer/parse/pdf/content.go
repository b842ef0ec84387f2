package pdf

import (
	"math"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Content streams: the text operators.

// matrix is [a b c d e f], applied to row vectors: [x y 1] × M.
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: first m, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// translate returns translate(tx, ty) × m.
func (m matrix) translate(tx, ty float64) matrix {
	m[4] += tx*m[0] + ty*m[2]
	m[5] += tx*m[1] + ty*m[3]
	return m
}

// gstate is the part of the graphics state that places text.
type gstate struct {
	ctm                             matrix
	font                            *font
	size, cs, ws, th, leading, rise float64
}

// glyph is one shown glyph in device space: where it starts and ends on
// its baseline and its "up" vector, as long as the font size.
type glyph struct {
	x, y, ex, ey, ux, uy float64
	text                 string
}

// interp runs the content streams of one page.
type interp struct {
	d        *reader
	gs       gstate
	saved    []gstate
	tm, tlm  matrix
	glyphs   []glyph
	forms    []int // the form XObjects being run, against loops
	codes    []charCode
	overflow int // q operators beyond the saved states kept
}

func (in *interp) run(content []byte, res types.Dict) {
	l := lexer{b: content}
	var args []token
	for !in.d.budget() {
		t, ok := l.next(0)
		if !ok {
			return
		}
		if t.kind != tokOp {
			if len(args) < maxOperands {
				args = append(args, t)
			}
			continue
		}
		in.op(t.s, args, res, &l)
		args = args[:0]
	}
}

// nums returns the last n operands as numbers.
func nums(args []token, n int) ([]float64, bool) {
	if len(args) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i, a := range args[len(args)-n:] {
		if a.kind != tokNum {
			return nil, false
		}
		out[i] = a.num
	}
	return out, true
}

// lastOf returns the last operand if it has the kind.
func lastOf(args []token, kind tokKind) (token, bool) {
	if len(args) == 0 || args[len(args)-1].kind != kind {
		return token{}, false
	}
	return args[len(args)-1], true
}

func (in *interp) op(op string, args []token, res types.Dict, l *lexer) {
	gs := &in.gs
	switch op {
	case "q":
		if len(in.saved) < 256 {
			in.saved = append(in.saved, *gs)
		} else {
			in.overflow++
		}
	case "Q":
		if in.overflow > 0 {
			in.overflow--
		} else if n := len(in.saved); n > 0 {
			*gs = in.saved[n-1]
			in.saved = in.saved[:n-1]
		}
	case "cm":
		if v, ok := nums(args, 6); ok {
			gs.ctm = matrix(v).mul(gs.ctm)
		}
	case "BT":
		in.tm, in.tlm = identity, identity
	case "Tc", "Tw", "Tz", "TL", "Ts":
		v, ok := nums(args, 1)
		if !ok {
			return
		}
		switch op {
		case "Tc":
			gs.cs = v[0]
		case "Tw":
			gs.ws = v[0]
		case "Tz":
			gs.th = v[0] / 100
		case "TL":
			gs.leading = v[0]
		case "Ts":
			gs.rise = v[0]
		}
	case "Tf":
		if len(args) >= 2 && args[len(args)-2].kind == tokName && args[len(args)-1].kind == tokNum {
			gs.font = in.d.font(res, args[len(args)-2].s)
			gs.size = args[len(args)-1].num
		}
	case "Td", "TD":
		if v, ok := nums(args, 2); ok {
			if op == "TD" {
				gs.leading = -v[1]
			}
			in.tlm = in.tlm.translate(v[0], v[1])
			in.tm = in.tlm
		}
	case "Tm":
		if v, ok := nums(args, 6); ok {
			in.tm, in.tlm = matrix(v), matrix(v)
		}
	case "T*":
		in.nextLine()
	case "Tj":
		if t, ok := lastOf(args, tokStr); ok {
			in.show(t.s)
		}
	case "'":
		in.nextLine()
		if t, ok := lastOf(args, tokStr); ok {
			in.show(t.s)
		}
	case `"`:
		if len(args) >= 3 && args[len(args)-3].kind == tokNum && args[len(args)-2].kind == tokNum {
			gs.ws, gs.cs = args[len(args)-3].num, args[len(args)-2].num
		}
		in.nextLine()
		if t, ok := lastOf(args, tokStr); ok {
			in.show(t.s)
		}
	case "TJ":
		t, ok := lastOf(args, tokArr)
		if !ok {
			return
		}
		for _, e := range t.arr {
			switch e.kind {
			case tokStr:
				in.show(e.s)
			case tokNum:
				in.tm = in.tm.translate(-e.num/1000*gs.size*gs.th, 0)
			}
		}
	case "Do":
		if t, ok := lastOf(args, tokName); ok {
			in.form(res, t.s)
		}
	case "ID":
		l.skipInlineImage()
	}
}

func (in *interp) nextLine() {
	in.tlm = in.tlm.translate(0, -in.gs.leading)
	in.tm = in.tlm
}

// show places the glyphs of a string.
func (in *interp) show(s string) {
	gs := &in.gs
	f := gs.font
	if f == nil {
		f = defaultFont()
	}
	in.codes = f.codes(s, in.codes[:0])
	for _, c := range in.codes {
		w, text := f.glyph(c)
		m := in.tm.mul(gs.ctm)
		adv := w * gs.size * gs.th
		g := glyph{text: text}
		g.x, g.y = m.apply(0, gs.rise)
		g.ex, g.ey = m.apply(adv, gs.rise)
		g.ux, g.uy = m[2]*gs.size, m[3]*gs.size
		in.emit(g)
		tx := w*gs.size + gs.cs
		if c.n == 1 && c.v == 32 {
			tx += gs.ws
		}
		in.tm = in.tm.translate(tx*gs.th, 0)
	}
}

func (in *interp) emit(g glyph) {
	for _, v := range [...]float64{g.x, g.y, g.ex, g.ey, g.ux, g.uy} {
		if math.IsNaN(v) || math.Abs(v) > 1e7 {
			return
		}
	}
	if len(in.glyphs) >= maxPageGlyphs {
		in.d.truncated = true
		return
	}
	in.glyphs = append(in.glyphs, g)
}

// form runs a form XObject.
func (in *interp) form(res types.Dict, name string) {
	d := in.d
	o := d.dict(res["XObject"])[name]
	sd := d.dict(o)
	if sd == nil || d.name(sd["Subtype"]) != "Form" || len(in.forms) >= maxFormDepth {
		return
	}
	nr := -1
	if ref, ok := o.(types.IndirectRef); ok {
		nr = ref.ObjectNumber.Value()
		if slices.Contains(in.forms, nr) {
			return
		}
	}
	content := d.streamData(o)
	if len(content) == 0 {
		return
	}
	formRes := d.dict(sd["Resources"])
	if formRes == nil {
		formRes = res
	}
	m, _ := d.matrix(sd["Matrix"])
	gs, tm, tlm, saved := in.gs, in.tm, in.tlm, len(in.saved)
	in.gs.ctm = m.mul(in.gs.ctm)
	in.forms = append(in.forms, nr)
	in.run(content, formRes)
	in.forms = in.forms[:len(in.forms)-1]
	in.gs, in.tm, in.tlm, in.saved = gs, tm, tlm, in.saved[:min(saved, len(in.saved))]
}
