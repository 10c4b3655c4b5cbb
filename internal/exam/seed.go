package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"hongdun/internal/demo"
	"math/rand/v2"
	"strings"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// SeedDemo gives the demo bureau a question bank of the 市局, a monthly
// 应知应会 test, a city-wide contest open now with a few hundred finished
// attempts (individual and unit leaderboards), a closed contest, and a
// daily challenge with a month of play. The demo members' own accounts
// have no attempts, so each can take every one. It does nothing when the
// bank holds questions.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "exam_questions"); seeded || err != nil {
		return err
	}
	p, err := demo.RootAdmin(ctx, d.DB)
	if p == nil || err != nil {
		return err
	}
	// No answer writer: the seeding writes finished attempts itself.
	s := &Service{Deps: d, questions: map[int64]*Question{}, attempts: map[int64]*live{}}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	sd := &examSeed{s: s, now: d.Now(), byTag: map[string][]*Question{}}
	for _, q := range demoBank {
		q.OrgID = p.OrgID
		id, err := s.CreateQuestion(ctx, p, q)
		if err != nil {
			return fmt.Errorf("题目“%s”: %w", q.Stem, err)
		}
		got, err := s.GetQuestion(ctx, p, id)
		if err != nil {
			return err
		}
		sd.byTag[got.Tag] = append(sd.byTag[got.Tag], got)
	}
	if err := sd.loadPeople(ctx, scope.Of(p)); err != nil {
		return err
	}
	local := sd.now.In(shanghai)
	day := func(offset, hour int) time.Time {
		return time.Date(local.Year(), local.Month(), local.Day()+offset, hour, 0, 0, 0, shanghai)
	}
	yearStart := time.Date(local.Year(), 1, 1, 0, 0, 0, 0, shanghai)
	exams := []struct {
		e Exam
		// share of each unit's members who took part; 0 for none
		share float64
	}{
		{Exam{OrgID: p.OrgID, Mode: ModeContest, Title: "全市公安机关学习党章党规知识竞赛", OpensAt: day(-9, 9).UnixMilli(), ClosesAt: day(12, 18).UnixMilli(),
			DurationMin: 15, PassScore: 60, MaxAttempts: 2, MinSeconds: 2, ScoreEach: 5,
			Rules: []Draw{{Tag: "党章", Count: 8}, {Tag: "准则条例", Count: 6}, {Tag: "党史", Count: 3}, {Tag: "公安业务", Count: 3}}}, 0.11},
		{Exam{OrgID: p.OrgID, Mode: ModeExam, Title: "全市公安机关党员应知应会月度测试", OpensAt: yearStart.UnixMilli(), ClosesAt: yearStart.AddDate(1, 0, 0).UnixMilli(),
			DurationMin: 30, PassScore: 60, MaxAttempts: 3, MinSeconds: 3, ScoreEach: 5, Recurrence: "monthly",
			Rules: []Draw{{Tag: "党章", Count: 6}, {Tag: "准则条例", Count: 5}, {Tag: "党史", Count: 3}, {Tag: "理论", Count: 3}, {Tag: "公安业务", Count: 3}}}, 0.04},
		{Exam{OrgID: p.OrgID, Mode: ModeDaily, Title: "每日一练", OpensAt: day(-30, 0).UnixMilli(), ClosesAt: day(335, 0).UnixMilli(),
			DurationMin: 10, MaxAttempts: 1, MinSeconds: 2, ScoreEach: 2, DailyCap: 10,
			Rules: []Draw{{Tag: "党章", Count: 1}, {Tag: "准则条例", Count: 1}, {Tag: "党史", Count: 1}, {Tag: "理论", Count: 1}, {Tag: "公安业务", Count: 1}}}, 0.015},
		{Exam{OrgID: p.OrgID, Mode: ModeContest, Title: "全市公安机关党史知识竞赛", OpensAt: day(-100, 9).UnixMilli(), ClosesAt: day(-90, 18).UnixMilli(),
			DurationMin: 15, PassScore: 60, MaxAttempts: 1, MinSeconds: 2, ScoreEach: 5,
			Rules: []Draw{{Tag: "党史", Count: 10}, {Tag: "理论", Count: 5}, {Tag: "党章", Count: 5}}}, 0.07},
	}
	for _, x := range exams {
		id, err := s.CreateExam(ctx, p, x.e)
		if err != nil {
			return fmt.Errorf("%s: %w", x.e.Title, err)
		}
		e := x.e
		e.ID = id
		sd.plan(&e, x.share)
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := sd.write(ctx, tx); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "exam.demo_seed", ObjectType: "system",
			Detail: map[string]int{"questions": len(demoBank), "exams": len(exams), "attempts": len(sd.attempts), "answers": sd.answers}})
	})
}

// examSeed holds the people and the attempts planned for them.
type examSeed struct {
	s        *Service
	now      time.Time
	byTag    map[string][]*Question
	people   []examPerson
	units    int
	attempts []*demoAttempt
	answers  int
}

type examPerson struct {
	id, org int64
	unit    int     // index of the unit (organisation under the 市局)
	skill   float64 // chance of a right answer to an easy question
	account bool    // a demo member who signs in: takes part only in what has closed
}

// demoAttempt is a finished attempt with its answers.
type demoAttempt struct {
	exam                           *Exam
	person                         examPerson
	questions                      []*Question
	started, last, dead, submitted int64
	correct, score                 int
	answers                        [][]any // question, answer, correct, score, at
	seed                           int64
	day                            string
}

// loadPeople reads the party members of s with the unit they belong to and
// a skill of their own.
func (sd *examSeed) loadPeople(ctx context.Context, s scope.Subtree) error {
	in, args := s.Where("o.path")
	rows, err := sd.s.DB.QueryContext(ctx, `SELECT pe.id, pe.org_id, o.path, EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = pe.id)
		FROM persons pe JOIN orgs o ON o.id = pe.org_id
		WHERE `+in+` AND `+member.PartyMember("pe.status")+`
		ORDER BY pe.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	units := map[string]int{}
	for rows.Next() {
		var p examPerson
		var path string
		if err := rows.Scan(&p.id, &p.org, &path, &p.account); err != nil {
			return err
		}
		// The unit is the organisation right under the root: /1/52/…
		parts := strings.SplitN(strings.TrimPrefix(path, s.Root()), "/", 2)
		u, ok := units[parts[0]]
		if !ok {
			u = len(units)
			units[parts[0]] = u
		}
		r := rand.New(rand.NewPCG(uint64(p.id), 1921))
		p.unit = u
		p.skill = 0.56 + 0.34*r.Float64() + 0.03*float64(u%3)
		sd.people = append(sd.people, p)
	}
	sd.units = len(units)
	return rows.Err()
}

// plan draws the attempts of an exam: in each unit a share of the members
// that varies from unit to unit, at times inside the exam's window before
// now. A daily challenge has a group of regulars playing most days. The
// demo members who sign in are left what is open, and took part in what
// has closed, so that their list shows a result.
func (sd *examSeed) plan(e *Exam, share float64) {
	if share == 0 {
		return
	}
	end := min(e.ClosesAt, sd.now.Add(-40*time.Minute).UnixMilli())
	from := e.OpensAt
	if e.Recurrence != "" { // this round, and the previous one's latecomers
		from, _, _ = e.Round(sd.now)
		from = max(e.OpensAt, time.UnixMilli(from).AddDate(0, -1, 0).UnixMilli())
	}
	if end <= from {
		return
	}
	for _, p := range sd.people {
		r := rand.New(rand.NewPCG(uint64(p.id), uint64(e.ID)))
		unitShare := share * (0.5 + float64((p.unit*7)%10)/9)
		closed := e.ClosesAt <= sd.now.UnixMilli()
		if p.account && !closed || !p.account && r.Float64() >= unitShare {
			continue
		}
		if e.Mode == ModeDaily {
			for t := time.UnixMilli(from).In(shanghai); t.UnixMilli() < end; t = t.AddDate(0, 0, 1) {
				if r.IntN(10) < 7 {
					at := t.Add(time.Duration(7*60+r.IntN(14*60)) * time.Minute).UnixMilli()
					if at < end {
						sd.attempt(e, p, r, at)
					}
				}
			}
			continue
		}
		at := from + r.Int64N(end-from)
		first := sd.attempt(e, p, r, at)
		passed := e.Mode == ModeExam && first.score >= e.PassScore
		if e.MaxAttempts > 1 && !passed && r.IntN(5) < 2 { // a second try to better the score
			if again := at + int64(30+r.IntN(600))*60000; again < end {
				sd.attempt(e, p, r, again)
			}
		}
	}
}

// attempt answers a paper drawn like the app draws it: right more often
// for the skilled and on easy questions, a few seconds to half a minute
// each.
func (sd *examSeed) attempt(e *Exam, p examPerson, r *rand.Rand, started int64) *demoAttempt {
	a := &demoAttempt{exam: e, person: p, started: started, seed: r.Int64(), day: time.UnixMilli(started).In(shanghai).Format("2006-01-02")}
	for _, d := range e.Rules {
		pool := sd.byTag[d.Tag]
		for _, i := range r.Perm(len(pool))[:d.Count] {
			a.questions = append(a.questions, pool[i])
		}
	}
	r.Shuffle(len(a.questions), func(i, j int) { a.questions[i], a.questions[j] = a.questions[j], a.questions[i] })
	_, roundEnd, _ := e.Round(time.UnixMilli(started))
	a.dead = min(started+int64(e.DurationMin)*60000, roundEnd)
	at := started
	for _, q := range a.questions {
		at += int64(max(e.MinSeconds, 4)*1000) + int64(r.IntN(int(30000-20000*(p.skill-0.6))))
		if at >= a.dead {
			break
		}
		right := r.Float64() < p.skill-0.09*float64(q.Difficulty-1)
		score := 0
		if right {
			score = e.ScoreEach
			if e.Mode == ModeDaily && e.DailyCap > 0 {
				score = max(0, min(score, e.DailyCap-a.score))
			}
			a.correct++
			a.score += score
		}
		a.answers = append(a.answers, []any{q.ID, demoResponse(q, right, r), db.Int(right), score, at})
		a.last = at
	}
	a.submitted = min(a.last+int64(3+r.IntN(20))*1000, a.dead)
	sd.attempts = append(sd.attempts, a)
	return a
}

// demoResponse is a stored answer: the right one, or a plausible wrong one.
func demoResponse(q *Question, right bool, r *rand.Rand) string {
	switch q.Kind {
	case Judge:
		if right == (q.Answer == "T") {
			return "T"
		}
		return "F"
	case Fill:
		var want [][]string
		_ = json.Unmarshal([]byte(q.Answer), &want) // the seed's own questions, normalised
		got := make([]string, len(want))
		for i, alts := range want {
			got[i] = alts[0]
			if !right {
				got[i] = "不确定"
			}
		}
		b, _ := json.Marshal(got)
		return string(b)
	}
	if right {
		return q.Answer
	}
	letters := []byte(q.Answer)
	if q.Kind == Multi && len(letters) > 2 {
		return string(append(letters[:0:0], letters[:len(letters)-1]...)) // missed one
	}
	for {
		c := byte('A' + r.IntN(len(q.Options)))
		if !strings.ContainsRune(q.Answer, rune(c)) {
			if q.Kind == Multi {
				return string(letters[:1]) + string(c)
			}
			return string(c)
		}
	}
}

// write inserts the attempts, then their answers, a few hundred rows a
// statement.
func (sd *examSeed) write(ctx context.Context, tx *db.Tx) error {
	device := crypto.SM3Hex([]byte("demo"))
	for i := 0; i < len(sd.attempts); i += 200 {
		batch := sd.attempts[i:min(i+200, len(sd.attempts))]
		values := make([]string, len(batch))
		var args []any
		for k, a := range batch {
			ids := make([]int64, len(a.questions))
			for j, q := range a.questions {
				ids[j] = q.ID
			}
			qs, _ := json.Marshal(ids)
			values[k] = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)"
			args = append(args, a.exam.ID, a.person.id, a.person.org, a.day, string(qs), a.seed, device, a.started, a.dead, a.submitted,
				len(a.answers), a.correct, a.score, a.last)
		}
		// RETURNING promises no order: the ids are matched by exam, person and start.
		rows, err := tx.QueryContext(ctx, `INSERT INTO exam_attempts (exam_id, person_id, org_id, day, questions, seed, device_hash, started_at, deadline_at,
			submitted_at, answered, correct, score, last_answer_at, active) VALUES `+strings.Join(values, ",")+" RETURNING id, exam_id, person_id, started_at", args...)
		if err != nil {
			return err
		}
		ids := map[[3]int64]int64{}
		for rows.Next() {
			var id int64
			var key [3]int64
			if err := rows.Scan(&id, &key[0], &key[1], &key[2]); err != nil {
				rows.Close()
				return err
			}
			ids[key] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var answers [][]any
		for _, a := range batch {
			id := ids[[3]int64{a.exam.ID, a.person.id, a.started}]
			if id == 0 {
				return fmt.Errorf("exam demo: no id for the attempt of person %d", a.person.id)
			}
			for _, an := range a.answers {
				answers = append(answers, append([]any{id}, an...))
			}
		}
		sd.answers += len(answers)
		for j := 0; j < len(answers); j += 500 {
			chunk := answers[j:min(j+500, len(answers))]
			if _, err := tx.ExecContext(ctx, "INSERT INTO exam_answers (attempt_id, question_id, answer, correct, score, at) VALUES "+
				strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?),", len(chunk)), ","), flatten(chunk)...); err != nil {
				return err
			}
		}
	}
	return nil
}

func flatten(rows [][]any) []any {
	var out []any
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// demoBank is the demo bureau's question bank: 党章 (2022年修改), the
// party's regulations, its history, theory and police work, each answer
// checked against its source.
var demoBank = []Question{
	// 党章
	{Kind: Single, Tag: "党章", Difficulty: 1, Stem: "预备党员的预备期为（　）。", Options: []string{"半年", "一年", "两年", "三年"}, Answer: "B",
		Explanation: "党章第七条：预备党员的预备期为一年。"},
	{Kind: Single, Tag: "党章", Difficulty: 2, Stem: "党员的党龄，从（　）之日算起。", Options: []string{"递交入党申请书", "支部大会通过其为预备党员", "预备期满转为正式党员", "入党宣誓"}, Answer: "C",
		Explanation: "党章第七条：党员的党龄，从预备期满转为正式党员之日算起。"},
	{Kind: Fill, Tag: "党章", Difficulty: 1, Stem: "申请入党的人，要有（　）名正式党员作介绍人。", Answer: "两|二|2",
		Explanation: "党章第五条规定，申请入党的人要有两名正式党员作介绍人。"},
	{Kind: Single, Tag: "党章", Difficulty: 1, Stem: "党的最高领导机关是（　）。", Options: []string{"党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央政治局常务委员会", "中央书记处"}, Answer: "A",
		Explanation: "党章第十条：党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。"},
	{Kind: Judge, Tag: "党章", Difficulty: 2, Stem: "党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。", Answer: "对",
		Explanation: "党章第九条。"},
	{Kind: Judge, Tag: "党章", Difficulty: 2, Stem: "预备党员的权利，除了没有表决权、选举权和被选举权以外，也同正式党员一样。", Answer: "对",
		Explanation: "党章第七条。"},
	{Kind: Single, Tag: "党章", Difficulty: 1, Stem: "凡是有正式党员（　）人以上的基层单位，都应当成立党的基层组织。", Options: []string{"三", "五", "七", "十"}, Answer: "A",
		Explanation: "党章第三十条：企业、农村、机关、学校、医院、科研院所、街道社区、社会组织、人民解放军连队和其他基层单位，凡是有正式党员三人以上的，都应当成立党的基层组织。"},
	{Kind: Multi, Tag: "党章", Difficulty: 2, Stem: "根据党章，党的纪律主要包括（　）。", Options: []string{"政治纪律", "组织纪律", "廉洁纪律", "保密纪律", "生活纪律"}, Answer: "ABCE",
		Explanation: "党章第四十条：党的纪律主要包括政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。"},
	{Kind: Single, Tag: "党章", Difficulty: 1, Stem: "党是根据自己的纲领和章程，按照（　）组织起来的统一整体。", Options: []string{"民主集中制", "集体领导制", "少数服从多数", "个人分工负责制"}, Answer: "A",
		Explanation: "党章第十条。"},
	{Kind: Multi, Tag: "党章", Difficulty: 2, Stem: "党章规定的对党员的纪律处分有（　）。", Options: []string{"警告", "严重警告", "撤销党内职务", "留党察看", "降级"}, Answer: "ABCD",
		Explanation: "党章第四十二条：对党员的纪律处分有五种：警告、严重警告、撤销党内职务、留党察看、开除党籍。降级是政务处分。"},
	{Kind: Fill, Tag: "党章", Difficulty: 2, Stem: "留党察看最长不超过（　）年。", Answer: "两|二|2",
		Explanation: "党章第四十二条。"},
	{Kind: Judge, Tag: "党章", Difficulty: 2, Stem: "党员在留党察看期间没有表决权、选举权和被选举权。", Answer: "对",
		Explanation: "党章第四十二条。"},
	{Kind: Single, Tag: "党章", Difficulty: 1, Stem: "中国共产党党员必须全心全意为人民服务，不惜牺牲个人的一切，为实现（　）奋斗终身。", Options: []string{"共产主义", "社会主义现代化", "中华民族伟大复兴", "共同富裕"}, Answer: "A",
		Explanation: "党章第二条。"},
	{Kind: Single, Tag: "党章", Difficulty: 1, Stem: "年满（　）岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，可以申请加入中国共产党。", Options: []string{"十六", "十八", "二十", "二十二"}, Answer: "B",
		Explanation: "党章第一条。"},
	{Kind: Fill, Tag: "党章", Difficulty: 2, Stem: "入党誓词的最后一句是：随时准备为党和人民牺牲一切，永不（　）。", Answer: "叛党",
		Explanation: "党章第六条规定的入党誓词。"},
	{Kind: Fill, Tag: "党章", Difficulty: 1, Stem: "党的全国代表大会每（　）年举行一次，由中央委员会召集。", Answer: "五|5",
		Explanation: "党章第十九条。"},
	{Kind: Single, Tag: "党章", Difficulty: 2, Stem: "预备党员预备期满，党组织认为需要继续考察和教育的，可以延长预备期，但不能超过（　）。", Options: []string{"三个月", "半年", "一年", "两年"}, Answer: "C",
		Explanation: "党章第七条。"},
	{Kind: Judge, Tag: "党章", Difficulty: 1, Stem: "党员有权在党的会议上和党报党刊上，参加关于党的政策问题的讨论。", Answer: "对",
		Explanation: "党章第四条规定的党员权利。"},
	{Kind: Judge, Tag: "党章", Difficulty: 3, Stem: "预备党员预备期满转为正式党员，只需党支部委员会讨论通过即可。", Answer: "错",
		Explanation: "党章第七条：预备党员的转正，要经过支部大会讨论通过和上级党组织批准。"},

	// 准则条例
	{Kind: Fill, Tag: "准则条例", Difficulty: 1, Stem: "《中国共产党纪律处分条例》规定，对党员的纪律处分种类共有（　）种。", Answer: "五|5",
		Explanation: "警告、严重警告、撤销党内职务、留党察看、开除党籍。"},
	{Kind: Judge, Tag: "准则条例", Difficulty: 2, Stem: "《关于新形势下党内政治生活的若干准则》是党的十八届六中全会审议通过的。", Answer: "对",
		Explanation: "2016年10月，党的十八届六中全会审议通过。"},
	{Kind: Single, Tag: "准则条例", Difficulty: 1, Stem: "按照《中国共产党支部工作条例（试行）》，党支部党员大会一般（　）召开1次。", Options: []string{"每月", "每季度", "每半年", "每年"}, Answer: "B",
		Explanation: "党员大会一般每季度召开1次；党支部委员会会议、党小组会一般每月召开1次。"},
	{Kind: Single, Tag: "准则条例", Difficulty: 1, Stem: "按照《中国共产党支部工作条例（试行）》，党支部委员会会议一般（　）召开1次。", Options: []string{"每周", "每月", "每季度", "每半年"}, Answer: "B",
		Explanation: "《中国共产党支部工作条例（试行）》的规定。"},
	{Kind: Multi, Tag: "准则条例", Difficulty: 1, Stem: "“三会一课”是指（　）。", Options: []string{"支部党员大会", "支部委员会", "党小组会", "党课", "民主生活会"}, Answer: "ABCD",
		Explanation: "“三会一课”即定期召开支部党员大会、支部委员会、党小组会，按时上好党课。民主生活会是党员领导干部的组织生活。"},
	{Kind: Judge, Tag: "准则条例", Difficulty: 1, Stem: "党员领导干部应当以普通党员身份参加所在党支部或党小组的组织生活会。", Answer: "对",
		Explanation: "领导干部参加双重组织生活制度。"},
	{Kind: Fill, Tag: "准则条例", Difficulty: 2, Stem: "按照《中国共产党支部工作条例（试行）》，党支部组织生活会一般每年召开（　）次。", Answer: "1|一",
		Explanation: "《中国共产党支部工作条例（试行）》的规定。"},
	{Kind: Single, Tag: "准则条例", Difficulty: 2, Stem: "《中国共产党廉洁自律准则》自（　）起施行。", Options: []string{"2016年1月1日", "2015年10月1日", "2018年10月1日", "2024年1月1日"}, Answer: "A",
		Explanation: "2015年10月印发，自2016年1月1日起施行。"},
	{Kind: Judge, Tag: "准则条例", Difficulty: 3, Stem: "党员受到警告处分一年内、受到严重警告处分一年半内，不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务。", Answer: "对",
		Explanation: "《中国共产党纪律处分条例》的规定。"},
	{Kind: Single, Tag: "准则条例", Difficulty: 3, Stem: "党员依照规定应当受到撤销党内职务处分，但本人没有担任党内职务的，应当给予其（　）处分。", Options: []string{"警告", "严重警告", "留党察看", "开除党籍"}, Answer: "B",
		Explanation: "《中国共产党纪律处分条例》的规定。"},
	{Kind: Judge, Tag: "准则条例", Difficulty: 3, Stem: "受到留党察看处分一年的党员，期满后仍不符合恢复党员权利条件的，应当延长一年留党察看期限。", Answer: "对",
		Explanation: "《中国共产党纪律处分条例》：留党察看期限最长不得超过两年。"},
	{Kind: Single, Tag: "准则条例", Difficulty: 2, Stem: "《中国共产党党员教育管理工作条例》规定，党员每年集中学习培训时间一般不少于（　）学时。", Options: []string{"24", "32", "40", "56"}, Answer: "B",
		Explanation: "《中国共产党党员教育管理工作条例》的规定。"},
	{Kind: Fill, Tag: "准则条例", Difficulty: 2, Stem: "基层党组织书记和班子成员每年集中学习培训时间不少于（　）学时。", Answer: "56|五十六",
		Explanation: "《中国共产党党员教育管理工作条例》的规定。"},
	{Kind: Judge, Tag: "准则条例", Difficulty: 2, Stem: "对与党组织失去联系6个月以上、通过各种方式查找仍然没有取得联系的党员，予以停止党籍。", Answer: "对",
		Explanation: "《中国共产党党员教育管理工作条例》：停止党籍2年后确实无法取得联系的，按照自行脱党予以除名。"},
	{Kind: Judge, Tag: "准则条例", Difficulty: 3, Stem: "支部大会讨论接收预备党员时，赞成人数超过应到会有表决权的正式党员的半数，才能通过接收预备党员的决议。", Answer: "对",
		Explanation: "《中国共产党发展党员工作细则》的规定。"},
	{Kind: Multi, Tag: "准则条例", Difficulty: 2, Stem: "党支部应当组织党员按期参加（　）等组织生活。", Options: []string{"党员大会", "党小组会", "上党课", "主题党日"}, Answer: "ABCD",
		Explanation: "《中国共产党支部工作条例（试行）》：党支部应当组织党员按期参加党员大会、党小组会和上党课，定期召开党支部委员会会议；党支部每月相对固定1天开展主题党日。"},

	// 党史
	{Kind: Single, Tag: "党史", Difficulty: 1, Stem: "中国共产党第一次全国代表大会于（　）年召开。", Options: []string{"1919", "1921", "1927", "1935"}, Answer: "B",
		Explanation: "1921年7月，中共一大在上海召开。"},
	{Kind: Single, Tag: "党史", Difficulty: 1, Stem: "中共一大最后一天的会议转移到（　）的一艘游船上举行。", Options: []string{"浙江嘉兴南湖", "杭州西湖", "上海黄浦江", "江苏太湖"}, Answer: "A",
		Explanation: "一大会议最后一天在浙江嘉兴南湖的游船上举行。"},
	{Kind: Fill, Tag: "党史", Difficulty: 1, Stem: "1935年1月，中共中央政治局在贵州召开（　）会议，确立了毛泽东同志在红军和党中央的领导地位。", Answer: "遵义",
		Explanation: "遵义会议是党的历史上一个生死攸关的转折点。"},
	{Kind: Single, Tag: "党史", Difficulty: 2, Stem: "党的（　）第一次把毛泽东思想确立为党的指导思想并写入党章。", Options: []string{"七大", "八大", "九大", "十二大"}, Answer: "A",
		Explanation: "1945年党的七大。"},
	{Kind: Judge, Tag: "党史", Difficulty: 1, Stem: "1978年12月召开的党的十一届三中全会，实现了新中国成立以来党的历史上具有深远意义的伟大转折。", Answer: "对",
		Explanation: "十一届三中全会开启了改革开放和社会主义现代化建设新时期。"},
	{Kind: Multi, Tag: "党史", Difficulty: 2, Stem: "伟大建党精神的内涵是（　）。", Options: []string{"坚持真理、坚守理想", "践行初心、担当使命", "不怕牺牲、英勇斗争", "对党忠诚、不负人民", "艰苦奋斗、自力更生"}, Answer: "ABCD",
		Explanation: "习近平总书记在庆祝中国共产党成立100周年大会上的讲话。"},
	{Kind: Single, Tag: "党史", Difficulty: 2, Stem: "打响武装反抗国民党反动派第一枪的南昌起义发生于（　）。", Options: []string{"1927年8月1日", "1927年9月9日", "1927年12月11日", "1928年4月28日"}, Answer: "A",
		Explanation: "9月9日为秋收起义，12月11日为广州起义。"},
	{Kind: Fill, Tag: "党史", Difficulty: 2, Stem: "1949年3月，党的七届二中全会在河北平山县（　）召开。", Answer: "西柏坡",
		Explanation: "会上毛泽东同志提出“两个务必”。"},
	{Kind: Judge, Tag: "党史", Difficulty: 2, Stem: "1929年12月召开的古田会议，确立了思想建党、政治建军的原则。", Answer: "对",
		Explanation: "古田会议决议是党和人民军队建设的纲领性文献。"},
	{Kind: Single, Tag: "党史", Difficulty: 2, Stem: "2021年11月，党的十九届六中全会审议通过了（　）。",
		Options: []string{"《中共中央关于党的百年奋斗重大成就和历史经验的决议》", "《关于建国以来党的若干历史问题的决议》", "《关于若干历史问题的决议》", "《中共中央关于全面深化改革若干重大问题的决定》"}, Answer: "A",
		Explanation: "这是党的历史上第三个历史决议。"},
	{Kind: Multi, Tag: "党史", Difficulty: 3, Stem: "党的历史上先后制定的三个历史决议是（　）。",
		Options: []string{"《关于若干历史问题的决议》", "《关于建国以来党的若干历史问题的决议》", "《中共中央关于党的百年奋斗重大成就和历史经验的决议》", "《中共中央关于全面深化改革若干重大问题的决定》"}, Answer: "ABC",
		Explanation: "分别于1945年（六届七中全会）、1981年（十一届六中全会）、2021年（十九届六中全会）通过。"},
	{Kind: Judge, Tag: "党史", Difficulty: 2, Stem: "1935年10月，中共中央和中央红军到达陕北吴起镇。", Answer: "对",
		Explanation: "中央红军到达陕北，与陕北红军胜利会师。"},
	{Kind: Single, Tag: "党史", Difficulty: 1, Stem: "1937年1月至1947年3月，中共中央驻地在（　）。", Options: []string{"瑞金", "延安", "西柏坡", "遵义"}, Answer: "B",
		Explanation: "延安是中国革命的圣地。"},
	{Kind: Fill, Tag: "党史", Difficulty: 2, Stem: "《为人民服务》是毛泽东同志1944年在（　）同志追悼会上的讲演。", Answer: "张思德",
		Explanation: "1944年9月8日，毛泽东同志在张思德追悼会上发表讲演。"},

	// 理论
	{Kind: Single, Tag: "理论", Difficulty: 1, Stem: "党的二十大报告指出，从现在起，中国共产党的中心任务就是团结带领全国各族人民全面建成社会主义现代化强国、实现第二个百年奋斗目标，以（　）全面推进中华民族伟大复兴。",
		Options: []string{"中国式现代化", "全面深化改革", "高质量发展", "全面依法治国"}, Answer: "A", Explanation: "党的二十大报告。"},
	{Kind: Multi, Tag: "理论", Difficulty: 1, Stem: "“四个意识”是指（　）。", Options: []string{"政治意识", "大局意识", "核心意识", "看齐意识", "责任意识"}, Answer: "ABCD",
		Explanation: "增强政治意识、大局意识、核心意识、看齐意识。"},
	{Kind: Multi, Tag: "理论", Difficulty: 1, Stem: "“四个自信”是指（　）。", Options: []string{"道路自信", "理论自信", "制度自信", "文化自信", "历史自信"}, Answer: "ABCD",
		Explanation: "坚定中国特色社会主义道路自信、理论自信、制度自信、文化自信。"},
	{Kind: Fill, Tag: "理论", Difficulty: 2, Stem: "“两个维护”是指坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央（　）。", Answer: "权威和集中统一领导",
		Explanation: "“两个维护”是党的最高政治原则和根本政治规矩。"},
	{Kind: Judge, Tag: "理论", Difficulty: 1, Stem: "中国特色社会主义最本质的特征是中国共产党领导。", Answer: "对",
		Explanation: "党章总纲和宪法第一条。"},
	{Kind: Single, Tag: "理论", Difficulty: 1, Stem: "我国社会主要矛盾已经转化为人民日益增长的（　）需要和不平衡不充分的发展之间的矛盾。", Options: []string{"美好生活", "物质文化", "精神文化", "高品质生活"}, Answer: "A",
		Explanation: "党的十九大作出的重大政治论断。"},
	{Kind: Fill, Tag: "理论", Difficulty: 2, Stem: "全面从严治党永远在路上，党的（　）永远在路上。", Answer: "自我革命",
		Explanation: "党的二十大报告。"},
	{Kind: Judge, Tag: "理论", Difficulty: 1, Stem: "新发展理念是创新、协调、绿色、开放、共享的发展理念。", Answer: "对",
		Explanation: "党的十八届五中全会提出。"},
	{Kind: Single, Tag: "理论", Difficulty: 1, Stem: "“五位一体”总体布局是指经济建设、政治建设、文化建设、社会建设和（　）。", Options: []string{"生态文明建设", "党的建设", "国防建设", "法治建设"}, Answer: "A",
		Explanation: "统筹推进“五位一体”总体布局。"},
	{Kind: Multi, Tag: "理论", Difficulty: 2, Stem: "“四个全面”战略布局包括（　）。", Options: []string{"全面建设社会主义现代化国家", "全面深化改革", "全面依法治国", "全面从严治党", "全面加强国防"}, Answer: "ABCD",
		Explanation: "协调推进“四个全面”战略布局。"},

	// 公安业务
	{Kind: Fill, Tag: "公安业务", Difficulty: 1, Stem: "2020年8月，习近平总书记向中国人民警察队伍授旗并致训词，提出“对党忠诚、服务人民、（　）、纪律严明”的总要求。", Answer: "执法公正",
		Explanation: "这是新时代人民警察队伍建设的总要求。"},
	{Kind: Single, Tag: "公安业务", Difficulty: 1, Stem: "中国人民警察节是每年的（　）。", Options: []string{"1月10日", "3月5日", "8月1日", "12月4日"}, Answer: "A",
		Explanation: "自2021年起，每年1月10日为中国人民警察节。"},
	{Kind: Judge, Tag: "公安业务", Difficulty: 1, Stem: "人民警察的任务是维护国家安全，维护社会治安秩序，保护公民的人身安全、人身自由和合法财产，保护公共财产，预防、制止和惩治违法犯罪活动。", Answer: "对",
		Explanation: "《中华人民共和国人民警察法》第二条。"},
	{Kind: Single, Tag: "公安业务", Difficulty: 2, Stem: "下列不属于治安管理处罚种类的是（　）。", Options: []string{"警告", "罚款", "行政拘留", "劳动教养"}, Answer: "D",
		Explanation: "劳动教养制度已于2013年废止，不是治安管理处罚。"},
	{Kind: Single, Tag: "公安业务", Difficulty: 2, Stem: "公安机关对被拘留的人，应当在拘留后（　）小时以内进行讯问。", Options: []string{"12", "24", "48", "72"}, Answer: "B",
		Explanation: "《中华人民共和国刑事诉讼法》的规定。"},
	{Kind: Fill, Tag: "公安业务", Difficulty: 3, Stem: "拘留后，除无法通知或者涉嫌危害国家安全犯罪、恐怖活动犯罪通知可能有碍侦查的情形以外，应当在拘留后（　）小时以内，通知被拘留人的家属。", Answer: "24|二十四",
		Explanation: "《中华人民共和国刑事诉讼法》的规定。"},
	{Kind: Judge, Tag: "公安业务", Difficulty: 1, Stem: "人民警察必须依靠人民的支持，保持同人民的密切联系，倾听人民的意见和建议，接受人民的监督，维护人民的利益，全心全意为人民服务。", Answer: "对",
		Explanation: "《中华人民共和国人民警察法》第三条。"},
	{Kind: Single, Tag: "公安业务", Difficulty: 3, Stem: "治安管理处罚中，行政拘留处罚合并执行的，最长不超过（　）日。", Options: []string{"10", "15", "20", "30"}, Answer: "C",
		Explanation: "《中华人民共和国治安管理处罚法》的规定。"},
	{Kind: Single, Tag: "公安业务", Difficulty: 2, Stem: "“枫桥经验”发源于（　）。", Options: []string{"浙江省诸暨市枫桥镇", "浙江省杭州市", "福建省宁德市", "陕西省延安市"}, Answer: "A",
		Explanation: "20世纪60年代初，浙江省诸暨市枫桥镇干部群众创造了“发动和依靠群众，坚持矛盾不上交，就地解决”的“枫桥经验”。"},
	{Kind: Judge, Tag: "公安业务", Difficulty: 2, Stem: "公安机关是人民民主专政的重要工具，人民警察是武装性质的国家治安行政力量和刑事司法力量。", Answer: "对",
		Explanation: "《公安机关组织管理条例》第二条。"},
	{Kind: Multi, Tag: "公安业务", Difficulty: 2, Stem: "下列属于人民警察警械的有（　）。", Options: []string{"警棍", "手铐", "警绳", "催泪弹", "手枪"}, Answer: "ABCD",
		Explanation: "《中华人民共和国人民警察使用警械和武器条例》：警械指警棍、催泪弹、高压水枪、特种防暴枪、手铐、脚镣、警绳等；手枪是武器。"},
	{Kind: Judge, Tag: "公安业务", Difficulty: 1, Stem: "人民警察依法执行职务，受法律保护。", Answer: "对",
		Explanation: "《中华人民共和国人民警察法》第五条。"},
	{Kind: Fill, Tag: "公安业务", Difficulty: 1, Stem: "我国公安机关的报警服务电话号码是（　）。", Answer: "110",
		Explanation: "110报警服务台受理群众报警求助。"},
}
