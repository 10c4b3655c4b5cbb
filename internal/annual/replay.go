package annual

// state is where a person stands after the events up to some day.
type state struct {
	status  string // "" before their first event
	org     int64
	join    string // 入党 date, for the joining period
	full    string // 转正 date, for 党龄
	hadFull bool
}

func (s state) member() bool { return s.status == "probationary" || s.status == "full" }

// initial is the state before a person's first event: in the organisation
// they left by their first move inside the system, or else in the one of
// their first recorded move in, or else where they are today.
func (p *person) initial() state {
	s := state{org: p.org}
	if p.before != 0 {
		s.org = p.before
		return s
	}
	for _, e := range p.events {
		if e.kind == "transfer_in" && e.org != 0 {
			s.org = e.org
			break
		}
	}
	return s
}

// step applies one event.
func (p *person) step(s *state, e event) {
	switch e.kind {
	case "apply":
		s.status = "applicant"
	case "activist", "candidate":
		s.status = e.kind
	case "join":
		s.status, s.join = "probationary", e.on
	case "full":
		s.status, s.full, s.hadFull = "full", e.on, true
	case "cancel":
		s.status = "cancelled"
	case "suspend":
		s.status = "suspended"
	case "restore":
		s.status = p.standing(s, e.on)
	case "transfer_in":
		if e.org != 0 {
			s.org = e.org
		}
		if s.status == "" || s.status == "transferred" {
			s.status = p.standing(s, e.on)
		}
	case "transfer_out":
		s.status = "transferred"
	case "death":
		s.status = "deceased"
	}
}

// standing is the party status someone resumes on a day (恢复党籍, or
// received back or from outside): 正式党员 once 转正, else 预备党员.
func (p *person) standing(s *state, on string) string {
	if s.join == "" {
		s.join = p.join
	}
	if !s.hadFull && p.full != "" && p.full <= on {
		s.full, s.hadFull = p.full, true
	}
	if s.hadFull {
		return "full"
	}
	return "probationary"
}

// at is the person's state at the end of day d.
func (p *person) at(d string) state {
	s := p.initial()
	for _, e := range p.events {
		if e.on > d {
			break
		}
		p.step(&s, e)
	}
	return s
}
