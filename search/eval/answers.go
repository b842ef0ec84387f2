package eval

import (
	"context"
	"fmt"
	"strings"

	"github.com/fundus-kb/fundus/search"
)

// AnswerReport is the answers measure of a collection: the share of its
// questions with gold answers whose first passage (at most
// search.MaxPassage characters) holds one of them.
type AnswerReport struct {
	Questions int
	// First is the share whose first passage holds a gold answer; InTop3
	// the share where one of the first three does.
	First, InTop3 float64
}

// RunAnswers measures Fundus's answers on b's questions that carry gold
// answers, with tuning t (nil for the defaults). A collection without
// any has Questions 0.
func (b *Built) RunAnswers(ctx context.Context, t *search.Tuning) (AnswerReport, error) {
	ctx = search.WithMembers(ctx)
	var rep AnswerReport
	first, top3 := 0, 0
	for _, q := range b.Queries {
		if len(q.Answers) == 0 {
			continue
		}
		rep.Questions++
		res, err := b.kb.Answers(ctx, search.Request{Query: q.Text, Plain: true, Tuning: t}, 3)
		if err != nil {
			return rep, fmt.Errorf("answers for %s: %w", q.ID, err)
		}
		for i, a := range res.Answers {
			if HoldsAnswer(a.Passage, q.Answers) {
				if i == 0 {
					first++
				}
				top3++
				break
			}
		}
	}
	if rep.Questions > 0 {
		rep.First = float64(first) / float64(rep.Questions)
		rep.InTop3 = float64(top3) / float64(rep.Questions)
	}
	return rep, nil
}

// HoldsAnswer reports whether passage contains one of the gold answers,
// ignoring case and runs of white space.
func HoldsAnswer(passage string, answers []string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	p := norm(passage)
	for _, a := range answers {
		if a = norm(a); a != "" && strings.Contains(p, a) {
			return true
		}
	}
	return false
}
