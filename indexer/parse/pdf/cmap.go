package pdf

import (
	"slices"
	"strings"
	"unicode/utf16"
)

// CMaps: ToUnicode maps and the encodings of composite fonts.

type cmap struct {
	space     []codeSpace
	minLen    int
	chars     map[uint64]string
	ranges    []cmapRange
	cids      map[uint64]uint32
	cidRanges []cmapRange
}

type codeSpace struct {
	lo, hi [4]byte
	n      int
}

func (r codeSpace) match(s string) bool {
	for i := 0; i < r.n; i++ {
		if s[i] < r.lo[i] || s[i] > r.hi[i] {
			return false
		}
	}
	return true
}

// cmapRange maps the codes lo…hi of length n: to text (dst with its last
// rune incremented, or one entry of arr each), or to CIDs from cid on.
type cmapRange struct {
	lo, hi uint32
	n      uint8
	dst    []rune
	arr    []string
	cid    uint32
}

func cmapKey(v uint32, n uint8) uint64 { return uint64(n)<<32 | uint64(v) }

func codeValue(s string) (uint32, uint8, bool) {
	if len(s) == 0 || len(s) > 4 {
		return 0, 0, false
	}
	var v uint32
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint32(s[i])
	}
	return v, uint8(len(s)), true
}

// parseCMap reads the code space, bfchar/bfrange (ToUnicode) and
// cidchar/cidrange (encodings) sections of a CMap.
func (d *reader) parseCMap(data []byte) *cmap {
	m := &cmap{chars: map[uint64]string{}, cids: map[uint64]uint32{}}
	l := lexer{b: data}
	var args []token
	entries := 0
	for !d.budget() && entries < maxCMapEntries {
		t, ok := l.next(0)
		if !ok {
			break
		}
		if t.kind != tokOp {
			if len(args) < 3*maxArray {
				args = append(args, t)
			}
			continue
		}
		switch t.s {
		case "endcodespacerange":
			for i := 0; i+1 < len(args); i += 2 {
				lo, hi := args[i].s, args[i+1].s
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				r := codeSpace{n: len(lo)}
				copy(r.lo[:], lo)
				copy(r.hi[:], hi)
				m.space = append(m.space, r)
			}
		case "endbfchar":
			for i := 0; i+1 < len(args); i += 2 {
				v, n, ok := codeValue(args[i].s)
				if !ok {
					continue
				}
				switch dst := args[i+1]; dst.kind {
				case tokStr:
					m.chars[cmapKey(v, n)] = decodeUTF16(dst.s)
				case tokName:
					m.chars[cmapKey(v, n)] = glyphName(dst.s)
				}
				entries++
			}
		case "endbfrange":
			for i := 0; i+2 < len(args); i += 3 {
				lo, n, ok1 := codeValue(args[i].s)
				hi, n2, ok2 := codeValue(args[i+1].s)
				if !ok1 || !ok2 || n != n2 || hi < lo {
					continue
				}
				r := cmapRange{lo: lo, hi: hi, n: n}
				switch dst := args[i+2]; dst.kind {
				case tokStr:
					r.dst = []rune(decodeUTF16(dst.s))
					if len(r.dst) == 0 {
						continue
					}
				case tokArr:
					for _, e := range dst.arr {
						r.arr = append(r.arr, decodeUTF16(e.s))
					}
				default:
					continue
				}
				m.ranges = append(m.ranges, r)
				entries++
			}
		case "endcidchar":
			for i := 0; i+1 < len(args); i += 2 {
				v, n, ok := codeValue(args[i].s)
				if ok && args[i+1].kind == tokNum && args[i+1].num >= 0 {
					m.cids[cmapKey(v, n)] = uint32(args[i+1].num)
					entries++
				}
			}
		case "endcidrange":
			for i := 0; i+2 < len(args); i += 3 {
				lo, n, ok1 := codeValue(args[i].s)
				hi, n2, ok2 := codeValue(args[i+1].s)
				if ok1 && ok2 && n == n2 && hi >= lo && args[i+2].kind == tokNum && args[i+2].num >= 0 {
					m.cidRanges = append(m.cidRanges, cmapRange{lo: lo, hi: hi, n: n, cid: uint32(args[i+2].num)})
					entries++
				}
			}
		case "usecmap":
			if t, ok := lastOf(args, tokName); ok && strings.HasPrefix(t.s, "Identity") && len(m.space) == 0 {
				m.space = append(m.space, codeSpace{n: 2, hi: [4]byte{0xff, 0xff}})
			}
		}
		args = args[:0]
	}
	m.minLen = 4
	for _, r := range m.space {
		m.minLen = min(m.minLen, r.n)
	}
	if len(m.space) == 0 {
		m.minLen = 2
	}
	byStart := func(a, b cmapRange) int {
		if a.n != b.n {
			return int(a.n) - int(b.n)
		}
		return int(int64(a.lo) - int64(b.lo))
	}
	slices.SortStableFunc(m.ranges, byStart)
	slices.SortStableFunc(m.cidRanges, byStart)
	return m
}

// decodeUTF16 decodes the UTF-16BE text of a ToUnicode map; an odd number of
// bytes is read as Latin-1.
func decodeUTF16(s string) string {
	if len(s)%2 != 0 {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteRune(rune(s[i]))
		}
		return b.String()
	}
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return string(utf16.Decode(u))
}

// find returns the range that holds a code.
func findRange(rs []cmapRange, v uint32, n uint8) (cmapRange, bool) {
	i, _ := slices.BinarySearchFunc(rs, cmapRange{lo: v, n: n}, func(a, b cmapRange) int {
		if a.n != b.n {
			return int(a.n) - int(b.n)
		}
		if a.lo <= b.lo {
			return -1
		}
		return 1
	})
	// rs[i-1] is the last range of length n starting at or before v.
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		r := rs[j]
		if r.n == n && r.lo <= v && v <= r.hi {
			return r, true
		}
	}
	return cmapRange{}, false
}

func (m *cmap) has(c charCode) bool {
	_, ok := m.lookup(c)
	return ok
}

// lookup returns the text of a code. A code of another length than the
// map's entries is tried with the same value.
func (m *cmap) lookup(c charCode) (string, bool) {
	if s, ok := m.lookupN(c.v, c.n); ok {
		return s, true
	}
	for n := uint8(1); n <= 4; n++ {
		if n != c.n && (n == 4 || c.v < 1<<(8*n)) {
			if s, ok := m.lookupN(c.v, n); ok {
				return s, true
			}
		}
	}
	return "", false
}

func (m *cmap) lookupN(v uint32, n uint8) (string, bool) {
	if s, ok := m.chars[cmapKey(v, n)]; ok {
		return s, true
	}
	r, ok := findRange(m.ranges, v, n)
	if !ok {
		return "", false
	}
	off := v - r.lo
	if r.arr != nil {
		if int(off) < len(r.arr) {
			return r.arr[off], true
		}
		return "", false
	}
	out := slices.Clone(r.dst)
	out[len(out)-1] += rune(off)
	return string(out), true
}

func (m *cmap) cid(c charCode) (uint32, bool) {
	if v, ok := m.cids[cmapKey(c.v, c.n)]; ok {
		return v, true
	}
	if r, ok := findRange(m.cidRanges, c.v, c.n); ok {
		return r.cid + (c.v - r.lo), true
	}
	return 0, false
}
