package record

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// FieldError reports a known field whose value has the wrong shape, such as
// a title given as a map. Key is the field's name as the input spells it.
type FieldError struct {
	Key  string
	Want string // e.g. "a string", "a list of strings"
	Got  string // e.g. "map", "list with map at index 2"
}

// Error returns the message, e.g. `field "title": want a string, got map`.
func (e *FieldError) Error() string {
	return fmt.Sprintf("field %q: want %s, got %s", e.Key, e.Want, e.Got)
}

// field names one Document field that inputs can set.
type field int

const (
	fID field = iota
	fType
	fTitle
	fSummary
	fBody
	fDate
	fTopics
	fPeople
	fOrganizations
	fLanguage
	fSource
	fAddressees
	fPolicyArea
	fChallenge
	fApproach
	fOutcome
	fVisibility
	numFields
)

// fieldAliases lists the keys accepted for each field, in order of
// precedence: when an input gives several keys for one single-valued field,
// the first listed wins and the others are kept in Metadata.
var fieldAliases = [numFields][]string{
	fID:            {"id", "_id"},
	fType:          {"type"},
	fTitle:         {"title"},
	fSummary:       {"summary", "description", "abstract", "excerpt"},
	fBody:          {"body", "text", "content"},
	fDate:          {"date", "published", "published_at", "datePublished"},
	fTopics:        {"topics", "topic", "tags", "keywords", "themen"},
	fPeople:        {"people", "persons", "person", "authors", "author", "speakers"},
	fOrganizations: {"organizations", "organisations", "organization", "organisation", "orgs", "org"},
	fLanguage:      {"language", "lang"},
	fSource:        {"source", "url"},
	fAddressees:    {"addressees", "addressee", "adressaten"},
	fPolicyArea:    {"policy_area", "policyArea", "politikfeld"},
	fChallenge:     {"challenge"},
	fApproach:      {"approach"},
	fOutcome:       {"outcome"},
	fVisibility:    {"visibility", "sichtbarkeit"},
}

// alias is where a key lands: its field and its precedence among the
// field's keys (0 is highest).
type alias struct {
	field field
	rank  int
}

// aliases maps folded key spellings (see foldKey) to fields.
var aliases = func() map[string]alias {
	m := make(map[string]alias)
	for f, keys := range fieldAliases {
		for rank, k := range keys {
			fk := foldKey(k)
			if _, dup := m[fk]; dup {
				continue
			}
			m[fk] = alias{field: field(f), rank: rank}
		}
	}
	return m
}()

// foldKey makes key matching ignore case and the separators "_", "-" and
// " ", so that "policy_area", "policyArea" and "Policy Area" all match.
// A leading underscore is kept so that "_id" stays a key of its own.
func foldKey(k string) string {
	k = strings.ToLower(strings.TrimSpace(k))
	prefix := ""
	if strings.HasPrefix(k, "_") {
		prefix, k = "_", k[1:]
	}
	return prefix + keySeparators.Replace(k)
}

var keySeparators = strings.NewReplacer("_", "", "-", "", " ", "")

func isList(f field) bool {
	switch f {
	case fTopics, fPeople, fOrganizations, fAddressees:
		return true
	}
	return false
}

// metadataKey is the key whose object value is merged into Metadata, as in
// BEIR corpora ({"_id": ..., "metadata": {...}}).
const metadataKey = "metadata"

// FromMap maps a decoded JSON object or YAML mapping onto a Document.
//
// Keys are matched ignoring case (and "_", "-", " "), with aliases: "_id"
// for id, "description" or "abstract" for summary, "text" or "content" for
// body, "tags" or "keywords" for topics, "author" or "speakers" for people
// and so on. When several keys name one single-valued field the first alias
// wins; list fields collect the values of all their keys. List fields take a
// list of strings or a single string of comma-separated values; numbers
// become their decimal strings, objects with a "name" their name.
//
// Keys FromMap does not know go into Doc.Metadata under their own spelling,
// with values made JSON-safe: YAML maps with non-string keys become
// map[string]any, times become RFC 3339 strings. The entries of an object
// under "metadata" are merged into Doc.Metadata; an empty one adds nothing.
//
// A known key with a value of the wrong shape is a *FieldError. FromMap does
// not check values: Document.Normalize does that.
func FromMap(m map[string]any) (search.Document, error) {
	var doc search.Document

	type entry struct {
		key   string
		value any
		alias alias
	}
	var known []entry
	meta := make(map[string]any)
	var nested map[string]any // from the "metadata" key

	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	for _, k := range keys {
		v := m[k]
		if a, ok := aliases[foldKey(k)]; ok {
			if v != nil {
				known = append(known, entry{key: k, value: v, alias: a})
			}
			continue
		}
		if foldKey(k) == metadataKey {
			if v == nil {
				continue
			}
			if obj, ok := asObject(v); ok && nested == nil {
				nested = obj
				continue
			}
		}
		meta[k] = jsonSafe(v)
	}
	for k, v := range nested {
		if _, ok := meta[k]; !ok {
			meta[k] = jsonSafe(v)
		}
	}

	// Precedence: by rank of the alias, then by key (keys are sorted and
	// the sort is stable).
	slices.SortStableFunc(known, func(a, b entry) int {
		if a.alias.field != b.alias.field {
			return int(a.alias.field) - int(b.alias.field)
		}
		return a.alias.rank - b.alias.rank
	})

	var set [numFields]bool
	for _, e := range known {
		f := e.alias.field
		if isList(f) {
			vals, err := listValue(e.key, e.value)
			if err != nil {
				return search.Document{}, err
			}
			p := listField(&doc, f)
			*p = append(*p, vals...)
			continue
		}
		var s string
		var err error
		if f == fDate {
			s, err = dateValue(e.key, e.value)
		} else {
			s, err = stringValue(e.key, e.value)
		}
		if err != nil {
			return search.Document{}, err
		}
		if set[f] {
			// A lower-ranked key for a field already set: keep it.
			meta[e.key] = jsonSafe(e.value)
			continue
		}
		set[f] = true
		*stringField(&doc, f) = s
	}
	if len(meta) > 0 {
		doc.Metadata = meta
	}
	return doc, nil
}

func stringField(d *search.Document, f field) *string {
	switch f {
	case fID:
		return &d.ID
	case fType:
		return &d.Type
	case fTitle:
		return &d.Title
	case fSummary:
		return &d.Summary
	case fBody:
		return &d.Body
	case fDate:
		return &d.Date
	case fLanguage:
		return &d.Language
	case fSource:
		return &d.Source
	case fPolicyArea:
		return &d.PolicyArea
	case fChallenge:
		return &d.Challenge
	case fApproach:
		return &d.Approach
	case fOutcome:
		return &d.Outcome
	case fVisibility:
		return &d.Visibility
	}
	panic(fmt.Sprintf("parse: field %d is not a string field", f))
}

func listField(d *search.Document, f field) *[]string {
	switch f {
	case fTopics:
		return &d.Topics
	case fPeople:
		return &d.People
	case fOrganizations:
		return &d.Organizations
	case fAddressees:
		return &d.Addressees
	}
	panic(fmt.Sprintf("parse: field %d is not a list field", f))
}

// scalarString returns the text of a string, number or boolean.
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return numberString(v.String()), true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.Itoa(v), true
	case int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), true
	case float64:
		return floatString(v), true
	case float32:
		return floatString(float64(v)), true
	}
	return "", false
}

// numberString writes a JSON number in decimal notation: "4983" stays,
// "1e3" becomes "1000".
func numberString(s string) string {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return s
	}
	if !strings.ContainsAny(s, "eE") {
		return s // a decimal already, possibly beyond int64
	}
	f, _, err := big.ParseFloat(s, 10, 256, big.ToNearestEven)
	if err != nil {
		return s
	}
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('f', -1)
}

func floatString(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func stringValue(key string, v any) (string, error) {
	if s, ok := scalarString(v); ok {
		return s, nil
	}
	return "", &FieldError{Key: key, Want: "a string", Got: kindOf(v)}
}

func dateValue(key string, v any) (string, error) {
	if t, ok := v.(time.Time); ok {
		return t.Format(search.DateLayout), nil
	}
	if s, ok := scalarString(v); ok {
		if _, isBool := v.(bool); !isBool {
			return s, nil
		}
	}
	return "", &FieldError{Key: key, Want: "a date string", Got: kindOf(v)}
}

// listValue reads a list field: a list of scalars (or of objects with a
// name), or a single value whose commas separate values.
func listValue(key string, v any) ([]string, error) {
	const want = "a list of strings"
	if items, ok := v.([]any); ok {
		out := make([]string, 0, len(items))
		for i, item := range items {
			if item == nil {
				continue
			}
			s, ok := listItem(item)
			if !ok {
				return nil, &FieldError{Key: key, Want: want, Got: fmt.Sprintf("list with %s at index %d", kindOf(item), i)}
			}
			out = append(out, s)
		}
		return out, nil
	}
	if s, ok := v.(string); ok {
		if !strings.Contains(s, ",") {
			return []string{s}, nil
		}
		var out []string
		for part := range strings.SplitSeq(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out, nil
	}
	if s, ok := listItem(v); ok {
		return []string{s}, nil
	}
	return nil, &FieldError{Key: key, Want: want, Got: kindOf(v)}
}

// listItem reads one list value: a scalar, or an object with a string
// "name" (schema.org style: {"@type": "Person", "name": "..."}).
func listItem(v any) (string, bool) {
	if s, ok := scalarString(v); ok {
		return s, true
	}
	if obj, ok := asObject(v); ok {
		if s, ok := obj["name"].(string); ok {
			return s, true
		}
		for k, nv := range obj {
			if strings.EqualFold(k, "name") {
				if s, ok := nv.(string); ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

// asObject returns v as a map with string keys when it is a JSON object or
// a YAML mapping.
func asObject(v any) (map[string]any, bool) {
	switch v := v.(type) {
	case map[string]any:
		return v, true
	case map[any]any:
		return jsonSafe(v).(map[string]any), true
	}
	return nil, false
}

// kindOf names the JSON kind of a decoded value for error messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return "number"
	case map[string]any, map[any]any:
		return "map"
	case []any:
		return "list"
	case time.Time:
		return "timestamp"
	}
	return fmt.Sprintf("%T", v)
}

// jsonSafe converts a decoded JSON or YAML value into one json.Marshal
// accepts and that reads the same after a round trip through JSON.
func jsonSafe(v any) any {
	switch v := v.(type) {
	case nil, string, bool, json.Number,
		int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return floatString(v)
		}
		return v
	case float32:
		return jsonSafe(float64(v))
	case time.Time:
		return v.Format(time.RFC3339)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonSafe(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			ks, ok := scalarString(k)
			if !ok {
				ks = fmt.Sprint(jsonSafe(k))
			}
			out[ks] = jsonSafe(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonSafe(e)
		}
		return out
	case []byte:
		return string(v)
	}
	if _, err := json.Marshal(v); err == nil {
		return v
	}
	return fmt.Sprint(v)
}
