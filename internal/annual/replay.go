package annual

// state is where a person stands after the events up to some day.
type state struct {
	status  code // cNone before their first event
	org     int32
	join    day // 入党 date, for the joining period
	full    day // 转正 date, for 党龄
	hadFull bool
}

func (s state) member() bool { return s.status == cProbationary || s.status == cFull }

// initial is the state before a person's first event: in the organisation
// they left by their first move inside the system, or else in the one of
// their first recorded move in, or else where they are today.
func (p *person) initial(evs []event) state {
	s := state{org: p.org}
	if p.before != 0 {
		s.org = p.before
		return s
	}
	for _, e := range evs {
		if e.kind == cTransferIn && e.org != 0 {
			s.org = e.org
			break
		}
	}
	return s
}

// step applies one event.
func (p *person) step(s *state, e event) {
	switch e.kind {
	case cApply:
		s.status = cApplicant
	case cActivist, cCandidate: // the status has the event's word
		s.status = e.kind
	case cJoin:
		s.status, s.join = cProbationary, e.on
	case cFull:
		s.status, s.full, s.hadFull = cFull, e.on, true
	case cCancel:
		s.status = cCancelled
	case cSuspend:
		s.status = cSuspended
	case cRestore:
		s.status = p.standing(s, e.on)
	case cTransferIn:
		if e.org != 0 {
			s.org = e.org
		}
		if s.status == cNone || s.status == cTransferred {
			s.status = p.standing(s, e.on)
		}
	case cTransferOut:
		s.status = cTransferred
	case cDeath:
		s.status = cDeceased
	}
}

// standing is the party status someone resumes on a day (恢复党籍, or
// received back or from outside): 正式党员 once 转正, else 预备党员.
func (p *person) standing(s *state, on day) code {
	if s.join == 0 {
		s.join = p.join
	}
	if !s.hadFull && p.full != 0 && p.full <= on {
		s.full, s.hadFull = p.full, true
	}
	if s.hadFull {
		return cFull
	}
	return cProbationary
}
