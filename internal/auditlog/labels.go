package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/db"
)

// actionLabels names every event the code writes, in Chinese. A test
// (labels_test.go) reads the code and fails for an action without a name.
var actionLabels = map[string]string{
	"login.ok": "登录成功", "login.fail": "登录失败", "login.lockout": "连续登录失败，账号锁定", "login.locked": "锁定期间尝试登录",
	"login.throttled": "登录过于频繁被限制", "login.otp_pending": "密码正确，待输入动态口令", "login.otp_fail": "动态口令错误",
	"login.otp_missing": "未绑定动态口令，拒绝登录", "logout": "退出登录",
	"mfa.enable": "启用动态口令", "mfa.disable": "停用动态口令", "mfa.reset": "重置动态口令", "mfa.otp_fail": "动态口令校验失败",
	"account.create": "创建账号", "account.export": "导出账号列表", "account.password": "修改密码", "account.reset": "重置密码（一次性密码）", "account.role": "调整角色与管辖范围",
	"password.old_fail": "修改密码时原密码错误",
	"account.request":   "申请授予角色", "account.grant": "授予角色与管辖范围", "account.refuse": "拒绝角色申请",
	"account.suspend":   "重置密码后暂停授权（待审批恢复）",
	"login.not_granted": "账号尚未授权，拒绝登录",
	"audit.search":      "检索审计日志", "audit.export": "导出审计日志", "audit.purge": "清理过期审计记录", "audit.seal": "重新签名审计日志",
	"demo.seed": "生成演示数据", "demo.masses": "生成演示群众人员",
	"org.create": "新建党组织", "org.update": "修改党组织", "org.move": "调整党组织隶属关系", "org.dissolve": "撤销党组织",
	"org.committee.add": "任命班子成员", "org.committee.end": "班子成员离任", "org.warnings.sync": "更新换届提醒",
	"org.renew":     "换届：新一届班子任职",
	"member.search": "检索党员", "member.create": "新增党员", "member.update": "修改党员信息", "member.event": "登记党员变动",
	"member.reveal": "查看完整身份证号和电话", "member.export": "导出党员花名册", "member.import": "导入党员花名册",
	"todo.done": "办结待办", "todo.export": "导出待办",
	"transfer.create": "发起组织关系转接", "transfer.export": "导出转接记录", "transfer.review": "审核组织关系转接", "transfer.send": "转出组织关系",
	"transfer.receive": "接收组织关系", "transfer.return": "退回组织关系转接", "transfer.withdraw": "撤回组织关系转接",
	"transfer.person_search": "转接时检索党员", "transfer.letter_settings": "设置介绍信字号", "transfer.reveal": "打印介绍信时查看完整公民身份号码",
	"transfer.letter_pdf": "下载组织关系介绍信 PDF",
	"develop.step":        "登记发展步骤", "develop.publicity": "登记公示", "develop.review": "登记培养考察",
	"develop.extend_meeting": "记录支部大会讨论延长预备期", "develop.extend": "上级党委审批延长预备期", "develop.cancel_meeting": "记录支部大会讨论取消预备党员资格", "develop.cancel": "上级党委审批取消预备党员资格", "develop.exception": "登记优先发展例外", "develop.shorten": "登记经批准缩短培养期",
	"develop.plan": "设置年度发展计划", "develop.rule_override": "调整发展规则参数", "develop.calendar": "调整工作日历",
	"develop.attach": "上传发展材料", "develop.attachment_download": "下载发展材料", "develop.export": "导出发展党员纪实表或台账",
	"develop.demo_seed": "生成发展党员演示数据", "develop.correct": "更正发展步骤记录", "develop.import": "导入发展党员工作台账",
	"training.program.create": "新建培训计划", "training.course.create": "添加培训课程", "training.activity.create": "登记学习活动",
	"training.session.create": "新建培训场次", "training.venue.create": "新建签到会场", "training.requirement.set": "设置学时要求",
	"training.fallback.create": "建立兜底培训", "training.ledger.export": "导出学时台账", "training.checkin.qr": "扫码签到", "training.checkin.manual": "补登签到",
	"training.demo_seed": "生成培训演示数据",
	"exam.create":        "新建考试竞赛", "exam.question.create": "新建试题", "exam.question.update": "修改试题",
	"exam.question.import": "导入题库", "exam.question.export": "导出题库", "exam.attempt.start": "开始答题",
	"exam.attempt.resume": "继续答题", "exam.attempt.submit": "交卷", "exam.answers": "保存作答", "exam.demo_seed": "生成考试演示数据",
	"annual.export":       "导出党内统计年报",
	"life.meeting.create": "登记组织生活会议", "life.meeting.update": "修改会议记录", "life.attendance": "登记会议出席情况",
	"life.checkin": "扫码参会签到", "life.decision.add": "登记会议决定事项", "life.decision.done": "会议决定事项办结", "life.file.add": "上传会议照片或扫描件",
	"life.frequencies": "设置组织生活频次", "life.export": "导出组织生活记录", "life.demo_seed": "生成组织生活演示数据",
	"appraisal.open": "开展民主评议党员", "appraisal.self": "登记党员自评", "appraisal.ballot": "提交民主测评票",
	"appraisal.tally": "登记纸质测评票", "appraisal.rate": "评定党员等次", "appraisal.close": "完成民主评议",
	"appraisal.outcome": "登记限期改正结果", "appraisal.export": "导出民主评议结果", "appraisal.demo_seed": "生成民主评议演示数据",
	"election.record": "登记换届选举结果", "election.posts": "确定新一届委员分工", "election.approve": "批复换届选举结果",
	"election.export": "导出换届选举记录", "election.demo_seed": "生成换届选举演示数据",
	"pioneer.post.create": "设立党员示范岗（先锋岗、责任区）", "pioneer.post.update": "修改党员示范岗（先锋岗、责任区）",
	"pioneer.member.add": "安排党员上岗", "pioneer.member.leave": "党员离岗", "pioneer.photo": "上传示范岗或践诺照片",
	"pioneer.commit": "公开党员承诺", "pioneer.commit.update": "修改党员承诺", "pioneer.deed": "登记践诺情况",
	"pioneer.review": "年终践诺评价", "pioneer.export": "导出党员示范岗", "pioneer.commitments.export": "导出党员承诺践诺",
	"pioneer.demo_seed":     "生成示范岗与承诺践诺演示数据",
	"community.site.create": "登记双报到社区", "community.site.update": "修改双报到社区", "community.report": "登记双报到",
	"community.feedback": "登记社区年度评价", "community.activity": "登记社区服务活动", "community.photo": "上传服务活动照片",
	"community.issue.raise": "登记群众反映的关键小事", "community.issue.take": "承办关键小事", "community.issue.resolve": "办结关键小事",
	"community.issue.feedback": "登记群众对关键小事的评价", "community.export": "导出双报到社区", "community.activities.export": "导出社区服务活动",
	"community.issues.export": "导出关键小事台账", "community.totals.export": "导出双报到汇总", "community.demo_seed": "生成双报到演示数据",
	"task.item.create": "新增年度任务", "task.dispatch": "下发任务", "task.complete": "提交任务完成情况", "task.accept": "验收通过任务",
	"task.return": "退回任务", "task.file.attach": "上传任务佐证材料", "task.file.remove": "删除任务佐证材料", "task.file.download": "下载任务佐证材料", "task.plan.create": "新增业务工作要点", "task.plan.delete": "删除业务工作要点", "task.auto_complete": "系统核验完成任务", "task.export": "导出任务督办清单", "task.demo_seed": "生成任务督办演示数据",
	"task.round.create": "建立擂台比武轮次", "task.round.recompute": "重新计算擂台比武排名", "task.round.mark": "擂台比武评委打分",
	"task.round.close": "发布擂台比武结果", "task.round.export": "导出擂台比武排名",
	"honour.create": "登记表彰", "honour.update": "修改表彰", "honour.delete": "删除表彰", "honour.issuer": "维护表彰机关与级别",
	"honour.export": "导出表彰名单", "honour.demo_seed": "生成表彰与纪念章演示数据",
	"dues.base": "核定党费基数", "dues.pay": "登记交纳党费", "dues.export": "导出党费台账", "dues.demo_seed": "生成党费演示数据",
	"dues.reduction.request": "申请党费减免", "dues.reduction.approved": "批准党费减免", "dues.reduction.refused": "不批准党费减免",
	"dues.reduction.read": "查看党费减免的困难情况", "dues.reduction.export": "导出党费减免申请", "dues.report.export": "导出党费收缴情况公示",
	"dues.import.check": "上传并检查党费导入文件", "dues.import.apply": "确认导入党费数据", "dues.voluntary": "登记自愿多交党费",
	"medal.apply": "申领光荣在党50年纪念章", "medal.approve": "审批光荣在党50年纪念章", "medal.issue": "颁发光荣在党50年纪念章",
	"medal.export":    "导出光荣在党50年纪念章名单",
	"care.elder_rule": "设定老党员条件", "care.hardship.create": "登记生活困难党员", "care.hardship.update": "修改生活困难认定",
	"care.hardship.review": "审核生活困难认定", "care.hardship.read": "查看生活困难情况", "care.visit.create": "登记走访慰问",
	"care.visit.update": "修改走访记录", "care.visit.delete": "删除走访记录", "care.photo.add": "上传走访照片",
	"care.campaign.open": "开启走访慰问活动", "care.campaign.update": "修改走访慰问活动", "care.campaign.close": "结束走访慰问活动",
	"care.export": "导出关怀台账或走访记录", "care.demo_seed": "生成关怀帮扶演示数据",
	"wartime.kind": "新增战时响应类型", "wartime.event.activate": "启动战时党建工作响应", "wartime.event.update": "修改战时党建工作响应",
	"wartime.event.end": "结束战时党建工作响应", "wartime.team.create": "组建临时党支部、突击队或先锋岗", "wartime.member.add": "编入队伍成员",
	"wartime.member.leave": "队伍成员离队", "wartime.report": "战时到岗报到", "wartime.record.add": "登记表现纪实", "wartime.record.attach": "上传表现纪实证明材料",
	"wartime.record.download": "下载表现纪实证明材料", "wartime.standout": "认定表现突出", "wartime.export": "导出战时党建工作清单",
	"wartime.demo_seed": "生成战时党建演示数据",
	"corps.appoint":     "登记党务工作者任职", "corps.update": "修改党务工作者任职", "corps.leave": "登记党务工作者离岗",
	"corps.award.add": "登记党务工作者奖项", "corps.award.delete": "删除党务工作者奖项", "corps.nominate": "推荐优秀党务工作者",
	"corps.nomination.approve": "评定通过优秀党务工作者", "corps.nomination.decline": "评定不通过优秀党务工作者",
	"corps.export": "导出党务工作者花名册", "corps.nomination.export": "导出优秀党务工作者推荐", "corps.demo_seed": "生成党务工作者演示数据",
	"assess.set.create": "建立年度考评方案", "assess.indicator.add": "添加考评指标", "assess.indicator.remove": "删除考评指标",
	"assess.set.publish": "发布年度考评方案", "assess.score": "录入考评得分", "assess.report.submit": "提交书记抓党建述职",
	"assess.report.review": "评议书记抓党建述职", "assess.innovation.register": "登记创新事项", "assess.innovation.review": "审核创新事项（容错清单）",
	"assess.innovation.outcome": "报告创新事项实施结果", "assess.innovation.rule": "认定创新加分或容错免责", "assess.export": "导出考评结果",
	"assess.innovation.export": "导出创新事项", "assess.demo_seed": "生成考评与创新演示数据",
	"assess.innovation.case": "创新事项收入案例库", "cases.create": "收录案例", "cases.feature": "设置精选案例", "cases.attach": "上传案例附件",
	"cases.visit": "登记观摩学习", "cases.pairing.start": "建立线上一对一结对", "cases.pairing.session": "登记结对交流", "cases.pairing.end": "结束结对",
	"cases.export": "导出案例库", "cases.visit.export": "导出观摩学习记录", "cases.pairing.export": "导出线上一对一结对", "cases.demo_seed": "生成案例库演示数据",
	"strong.system.save": "设置最强党支部指标体系", "strong.round.open": "启动最强党支部年度评定", "strong.round.recompute": "重新计算最强党支部系统评分项",
	"strong.round.close": "公布最强党支部评定结果", "strong.self.save": "保存最强党支部自评", "strong.self.submit": "提交最强党支部自评",
	"strong.review": "审核最强党支部自评", "strong.return": "退回最强党支部自评", "strong.export": "导出最强党支部评定结果",
	"brand.create": "登记党建品牌或工作法", "brand.update": "修改党建品牌或工作法", "brand.approve": "审核通过党建品牌",
	"brand.return": "退回党建品牌修改", "brand.feature": "选树或撤下示范品牌", "brand.file.add": "上传品牌照片或文档",
	"brand.adopt": "登记学习推广示范品牌", "brand.export": "导出党建品牌", "brand.demo_seed": "生成党建品牌演示数据",
	"weak.params": "设置软弱涣散排查标准", "weak.case.create": "列入软弱涣散整顿", "weak.case.plan": "调整软弱涣散整顿方案",
	"weak.case.progress": "报告软弱涣散整改进展", "weak.case.submit": "软弱涣散整顿申请验收", "weak.case.accept": "软弱涣散整顿验收销号",
	"weak.case.return": "软弱涣散整顿验收未通过", "weak.export": "导出软弱涣散整顿名单", "weak.demo_seed": "生成软弱涣散整顿演示数据",
	"strong.title.add": "登记最强党支部称号", "strong.title.remove": "删除最强党支部称号", "strong.demo_seed": "生成最强党支部演示数据",
}

// objectLabels names the object types.
var objectLabels = map[string]string{
	"account": "账号", "org": "党组织", "person": "党员", "committee_member": "班子成员", "todo": "待办", "system": "系统",
	"transfer": "组织关系转接", "dev_case": "发展党员档案", "dev_ledger": "发展党员台账", "rule_override": "发展规则参数",
	"calendar_override": "工作日历调整", "exam": "考试竞赛", "exam_question": "试题", "exam_attempt": "答题记录",
	"exam_answer_batch": "作答批次", "training_program": "培训计划", "training_course": "培训课程",
	"training_activity": "学习活动", "training_session": "培训场次", "training_venue": "签到会场",
	"training_checkin": "签到记录", "training_requirement": "学时要求",
	"life_meeting":    "组织生活会议",
	"appraisal_round": "民主评议", "election": "换届选举", "pioneer_post": "党员示范岗", "pioneer_commitment": "党员承诺", "community": "双报到社区", "community_activity": "社区服务活动", "community_issue": "关键小事",
	"task_item": "年度任务", "task_copy": "接收单位的任务", "task_plan_point": "业务工作要点", "task_round": "擂台比武轮次",
	"honour": "表彰", "honour_issuer": "表彰机关", "medal": "光荣在党50年纪念章",
	"dues_base": "党费基数", "dues_payment": "党费交纳记录", "dues_reduction": "党费减免申请", "dues_import": "党费导入", "dues_voluntary": "自愿多交党费",
	"care_hardship": "生活困难认定", "care_visit": "走访慰问记录", "care_campaign": "走访慰问活动", "care_ledger": "关怀台账",
	"wartime_kind": "战时响应类型", "wartime_event": "战时党建工作响应", "wartime_team": "临时党支部、突击队或先锋岗",
	"wartime_record": "表现纪实", "wartime_standout": "表现突出人员",
	"corps_worker": "党务工作者任职", "assess_set": "年度考评方案", "assess_report": "书记抓党建述职", "assess_innovation": "创新事项", "practice_case": "案例", "study_visit": "观摩学习", "pairing": "线上一对一结对", "corps_award": "党务工作者奖项", "corps_nomination": "优秀党务工作者推荐",
	"weak_case": "软弱涣散整顿记录", "brand": "党建品牌或工作法",
	"strong_system": "最强党支部指标体系", "strong_round": "最强党支部年度评定", "strong_entry": "支部的最强党支部评定",
}

var resultLabels = map[string]string{"ok": "成功", "denied": "拒绝", "fail": "失败", "failed": "失败", "error": "出错"}

// Label is the Chinese name of an action code.
func Label(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return "未命名事件（" + action + "）"
}

// ResultLabel is the Chinese word for a result code.
func ResultLabel(result string) string {
	if l, ok := resultLabels[result]; ok {
		return l
	}
	return result
}

// names are the words for objects: object type → id → name.
type names map[string]map[string]string

// nameQueries look up what objects are called, by id. Objects that are gone
// keep their type and number.
var nameQueries = map[string]string{
	"org":                "SELECT id, name FROM orgs WHERE id IN (%s)",
	"person":             "SELECT id, name FROM persons WHERE id IN (%s)",
	"dev_case":           "SELECT c.id, p.name FROM dev_cases c JOIN persons p ON p.id = c.person_id WHERE c.id IN (%s)",
	"transfer":           "SELECT t.id, COALESCE(p.name, t.person_name) FROM transfers t LEFT JOIN persons p ON p.id = t.person_id WHERE t.id IN (%s)",
	"committee_member":   "SELECT c.id, p.name FROM committee_members c JOIN persons p ON p.id = c.person_id WHERE c.id IN (%s)",
	"exam":               "SELECT id, title FROM exams WHERE id IN (%s)",
	"exam_question":      "SELECT id, stem FROM exam_questions WHERE id IN (%s)",
	"exam_attempt":       "SELECT a.id, p.name || '：' || e.title FROM exam_attempts a JOIN persons p ON p.id = a.person_id JOIN exams e ON e.id = a.exam_id WHERE a.id IN (%s)",
	"training_program":   "SELECT id, title FROM training_programs WHERE id IN (%s)",
	"training_course":    "SELECT id, topic FROM training_courses WHERE id IN (%s)",
	"training_activity":  "SELECT id, title FROM training_activities WHERE id IN (%s)",
	"training_session":   "SELECT id, title FROM training_sessions WHERE id IN (%s)",
	"training_venue":     "SELECT id, name FROM training_venues WHERE id IN (%s)",
	"training_checkin":   "SELECT c.id, p.name FROM training_checkins c JOIN persons p ON p.id = c.person_id WHERE c.id IN (%s)",
	"todo":               "SELECT id, title FROM todos WHERE id IN (%s)",
	"task_item":          "SELECT id, title FROM task_items WHERE id IN (%s)",
	"life_meeting":       "SELECT id, held_on || ' ' || topic FROM life_meetings WHERE id IN (%s)",
	"election":           "SELECT e.id, (SELECT name FROM orgs WHERE id = e.org_id) || ' ' || e.held_on FROM elections e WHERE e.id IN (%s)",
	"pioneer_post":       "SELECT id, name FROM pioneer_posts WHERE id IN (%s)",
	"pioneer_commitment": "SELECT id, name || ' ' || year || '年承诺' FROM pioneer_commitments WHERE id IN (%s)",
	"community":          "SELECT id, name FROM communities WHERE id IN (%s)",
	"community_activity": "SELECT id, held_on || ' ' || title FROM community_activities WHERE id IN (%s)",
	"community_issue":    "SELECT id, raised_on || ' ' || what FROM community_issues WHERE id IN (%s)",
	"appraisal_round":    "SELECT r.id, (SELECT name FROM orgs WHERE id = r.org_id) || ' ' || r.year || '年度' FROM appraisal_rounds r WHERE r.id IN (%s)",
	"care_hardship":      "SELECT h.id, p.name FROM care_hardship h JOIN persons p ON p.id = h.person_id WHERE h.id IN (%s)",
	"care_visit":         "SELECT v.id, v.visited_on || ' ' || p.name FROM care_visits v JOIN persons p ON p.id = v.person_id WHERE v.id IN (%s)",
	"care_campaign":      "SELECT id, name FROM care_campaigns WHERE id IN (%s)",
	"strong_system":      "SELECT id, name FROM strong_systems WHERE id IN (%s)",
	"brand":              "SELECT id, name FROM brands WHERE id IN (%s)",
	"weak_case":          "SELECT c.id, c.year || '年度 ' || (SELECT name FROM orgs WHERE id = c.org_id) FROM weak_cases c WHERE c.id IN (%s)",
	"strong_round":       "SELECT id, year || '年度最强党支部评定' FROM strong_rounds WHERE id IN (%s)",
	"strong_entry":       "SELECT e.id, r.year || '年度 ' || (SELECT name FROM orgs WHERE id = e.org_id) FROM strong_entries e JOIN strong_rounds r ON r.id = e.round_id WHERE e.id IN (%s)",
	"calendar_override":  "SELECT id, on_date FROM calendar_overrides WHERE id IN (%s)",
	"rule_override":      "SELECT id, rule || '.' || param FROM rule_overrides WHERE id IN (%s)",
	"wartime_event":      "SELECT id, title FROM wartime_events WHERE id IN (%s)",
	"wartime_team":       "SELECT id, name FROM wartime_teams WHERE id IN (%s)",
	"wartime_record":     "SELECT r.id, p.name || '：' || r.on_date FROM wartime_records r JOIN persons p ON p.id = r.person_id WHERE r.id IN (%s)",
}

// lookupNames finds the names of the records' objects, a few queries per
// page (or per 500 records of an export).
func lookupNames(ctx context.Context, q db.Querier, recs []audit.Record) (names, error) {
	ids := map[string][]int64{}
	accounts := map[string]bool{}
	for _, r := range recs {
		if r.ObjectType == "account" {
			accounts[r.ObjectID] = true
			continue
		}
		if _, ok := nameQueries[r.ObjectType]; !ok {
			continue
		}
		if id, err := strconv.ParseInt(r.ObjectID, 10, 64); err == nil {
			ids[r.ObjectType] = append(ids[r.ObjectType], id)
		}
	}
	out := names{}
	for typ, list := range ids {
		for start := 0; start < len(list); start += 500 {
			chunk := list[start:min(start+500, len(list))]
			in, args := db.In(chunk)
			if err := collectNames(ctx, q, out, typ, fmt.Sprintf(nameQueries[typ], in), args); err != nil {
				return nil, err
			}
		}
	}
	// Most account events name the account by its username; a few by id.
	var byID []int64
	for k := range accounts {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil {
			byID = append(byID, id)
		}
	}
	if len(byID) > 0 {
		in, args := db.In(byID)
		if err := collectNames(ctx, q, out, "account", "SELECT id, username FROM accounts WHERE id IN ("+in+")", args); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func collectNames(ctx context.Context, q db.Querier, out names, typ, query string, args []any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if out[typ] == nil {
		out[typ] = map[string]string{}
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		out[typ][strconv.FormatInt(id, 10)] = name
	}
	return rows.Err()
}

// Object describes a record's object in words: 党组织“甲分局党委”,
// 账号 zhangsan, 考试竞赛（编号 7）.
func (n names) Object(r *audit.Record) string {
	if r.ObjectType == "" && r.ObjectID == "" {
		return ""
	}
	typ := objectLabels[r.ObjectType]
	if typ == "" {
		typ = "对象"
	}
	switch r.ObjectType {
	case "system":
		if r.ObjectID == "audit" {
			return "审计日志"
		}
		return "系统"
	case "account":
		if name, ok := n["account"][r.ObjectID]; ok && name != r.ObjectID {
			return typ + " " + name + "（编号 " + r.ObjectID + "）"
		}
		if r.ObjectID == "" {
			return typ
		}
		return typ + " " + r.ObjectID
	}
	if r.ObjectID == "" {
		return typ
	}
	if name, ok := n[r.ObjectType][r.ObjectID]; ok && name != "" {
		return typ + "“" + shorten(name, 30) + "”"
	}
	return typ + "（编号 " + r.ObjectID + "）"
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// fieldLabels name the keys of details, so that a detail reads as words.
var fieldLabels = map[string]string{
	"name": "名称", "org_id": "党组织编号", "org_name": "党组织", "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期",
	"id_masked": "身份证号（遮蔽）", "phone_masked": "电话（遮蔽）", "id_number": "身份证号", "phone": "电话", "education": "学历",
	"category": "人员类别", "post": "职务", "status": "状态", "apply_date": "申请入党日期", "activist_date": "确定积极分子日期",
	"candidate_date": "确定发展对象日期", "join_date": "入党日期", "full_date": "转正日期", "left_date": "离开日期",
	"mobile": "流动党员", "mobile_place": "流动去向", "lost_contact": "失联", "lost_since": "失联起始", "abroad_since": "出国（境）定居日期", "observed_since": "留党察看起始",
	"parent_id": "上级组织编号", "short_name": "简称", "kind": "类型", "can_approve": "审批权限", "path": "组织路径", "sort": "排序",
	"task": "任务", "ends_on": "截止日期", "term_start": "任期开始", "term_end": "任期届满", "dissolved_on": "撤销日期",
	"person_id": "党员编号", "role": "角色", "filter": "筛选条件", "rows": "行数", "total": "总数", "revealed": "含完整号码", "transfers": "转接编号",
	"format": "格式", "fields": "字段", "count": "数量", "q": "关键词", "tag": "标签", "difficulty": "难度", "exam_id": "考试编号",
	"questions": "题数", "org_path": "组织路径", "exams": "考试数", "attempts": "答题人次", "answers": "作答数", "reason": "原因",
	"records": "记录数", "problems": "发现的问题", "session_id": "场次编号", "venue_id": "会场编号", "late": "迟到",
	"year": "年度", "programs": "培训计划编号", "people_added": "新增人数", "short": "学时未达标人数", "sessions": "场次数",
	"checkins": "签到数", "posted": "新增提醒", "closed": "关闭提醒", "attachment_id": "附件编号", "file_name": "文件名",
	"file": "文件", "cases": "档案数", "skipped": "跳过", "orgs": "组织数", "people": "人数", "events": "变动数",
	"accounts": "账号数", "inserted": "新增", "updated": "更新", "removed": "删除条数", "anchor_id": "清理锚点记录编号",
	"before": "截止时间", "step": "步骤", "date": "日期", "data": "内容", "warnings": "提示", "state": "状态", "note": "备注",
	"letter_no": "介绍信编号", "event": "变动", "on_date": "日期", "working": "工作日", "value": "值", "param": "参数",
	"rule": "规则", "effective_from": "生效日期", "title": "标题", "topic": "主题", "teacher": "授课人", "stem": "题干",
	"options": "选项", "answer": "答案", "explanation": "解析", "action": "事件", "actor": "操作人", "object": "对象",
	"from": "起始日期", "to": "截止日期", "page": "页码", "edu": "学历", "age": "年龄段", "reveal": "完整号码",
	"username": "用户名", "display_name": "显示名", "kind_label": "类型", "hours_x10": "学时（十分之一）", "method": "方式",
	"to_org_id": "转入组织编号", "from_org_id": "转出组织编号", "outside_org": "系统外组织", "due_on": "期限",
	"mode": "方式", "limit": "限额", "used": "已用", "months": "月数", "recommendation": "推荐意见", "opinion": "意见",
	"rows_total": "总行数", "errors": "错误数", "dry_run": "试运行", "update": "覆盖更新",
	"request_id": "申请编号", "requested_by": "申请人", "approved_by": "批准人", "refused_by": "拒绝人",
	"one_time": "一次性密码", "replaced_one_time": "已更换一次性密码",
	"org": "党组织编号", "org_ids": "党组织编号", "per_page": "每页条数", "total_exact": "总数为精确数",
	"about": "简介", "slogan": "口号", "practice": "做法", "results": "成效", "effect": "成效", "submit": "提交审核",
	"featured": "推荐展示", "adoption_id": "推广编号", "since": "起始日期", "accept": "同意列入",
	"sound": "政治方向正确", "credit": "创新加分", "ruling": "认定", "succeeded": "取得成效", "tried_from": "试行起始日期",
	"idea": "创新思路", "innovation_id": "创新项目编号", "risks": "风险", "goal": "目标", "grade": "等次", "review": "审核意见",
	"active": "进行中", "approval_doc": "批准文号", "approved_on": "批准日期", "approver_id": "批准组织编号",
	"attested_by": "证明人", "deed": "事迹", "duty": "职责", "event_id": "战时响应编号", "formed_on": "组建日期",
	"team_id": "队伍编号", "teams": "队伍数", "kind_id": "类型编号", "created_by": "创建人", "doc": "文号", "doc_no": "文号",
	"ended_on": "结束日期", "started_on": "开始日期", "members": "成员", "leavers": "离开人数", "joined_on": "加入日期",
	"audience": "参训对象", "audience_name": "参训对象", "audience_org_id": "参训组织编号", "categories": "人员类别",
	"description": "说明", "course_id": "课程编号", "session": "场次", "main_venue": "主会场", "stream_url": "直播地址",
	"late_after_min": "迟到界限（分钟）", "open_before_min": "提前签到（分钟）", "starts_at": "开始时间", "ends_at": "结束时间",
	"starts_on": "开始日期", "planned_start": "计划开始日期", "opens_at": "开放时间", "closes_at": "截止时间",
	"duration_min": "时长（分钟）", "pass_score": "及格分", "max_attempts": "最多答题次数", "min_seconds": "最短答题秒数",
	"daily_cap": "每日上限", "score_each": "每题分值", "rules": "抽题规则", "recurrence": "重复方式",
	"awarded_on": "授予日期", "issuer_id": "授予单位编号", "level": "级别", "honours": "表彰数", "medals": "纪念章数",
	"body": "内容", "deadline": "期限", "measures": "整改措施", "leader": "包联领导", "triggers": "问题类型",
	"on": "日期", "comment": "意见", "problem": "问题", "case": "案例", "case_id": "案例编号", "origin": "来源",
	"source": "出处", "host": "承办单位", "participants": "参加人员", "takeaways": "收获", "partner": "结对单位",
	"content_type": "文件类型", "file_id": "文件编号", "sha256": "文件校验值", "size": "大小（字节）", "photos": "照片数",
	"candidates": "候选人数", "counts": "票数", "expected": "应到人数", "present": "实到人数", "issued": "发出选票",
	"returned": "收回选票", "invalid": "无效票", "seats": "应选人数", "elected": "当选人", "elections": "换届数",
	"committee": "班子成员", "term": "任期", "secretary": "书记",
	"indicator": "指标", "indicators": "指标", "item_id": "评分项编号", "items": "评分项", "points": "分值",
	"marks": "得分", "score": "得分", "scores": "得分", "self": "自评分", "evidence": "佐证材料", "set": "指标体系编号",
	"standard": "评分标准", "tier": "层级", "materials": "材料",
	"round": "轮次", "rounds": "轮次数", "contestants": "参赛单位数", "judge_weight": "评委评分权重", "judged": "评委评分",
	"period": "期间", "copies": "下发份数", "from_org": "下发组织编号", "parent_copy": "上级下发编号", "target": "下发对象",
	"plan_points": "工作要点", "decision_id": "决定事项编号", "owner_id": "责任人编号", "todo": "生成待办", "what": "事项",
	"held_on": "召开日期", "place": "地点", "record": "记录", "hardship": "生活困难党员", "visited_on": "走访日期",
	"visits": "走访数", "payments": "缴费记录数", "branches": "党支部数", "brands": "品牌数", "communities": "社区数",
	"units": "单位", "workers": "党务工作者数", "valid_days": "有效天数", "closed_on": "关闭日期", "prefix": "字号",
	"summary": "总结", "summaries": "总结数", "result": "结果",
	"joined_from": "入党日期起", "joined_to": "入党日期止", "approve": "仅有审批权限的党委", "below": "仅下级组织",
	"bureau": "全局查找", "by": "统计口径", "campaign": "慰问活动编号", "community": "社区编号", "desc": "从大到小",
	"dissolved": "含已撤销组织", "ended": "已撤销", "form": "慰问形式", "item": "任务清单条目编号", "missing": "逾期未开展的会议",
	"month": "月份", "n": "两头各列支部数", "open": "仅正在办理", "overdue": "仅已逾期", "person": "人员编号",
	"priority": "仅优先发展", "quarter": "季度", "record_id": "记录编号", "review_due": "审核截止日期", "reviewed": "已评价",
	"root": "组织范围编号", "self_due": "自评截止日期", "show": "显示范围", "side": "下发方向", "stage": "阶段",
	"team": "队伍编号", "top": "个人榜条数", "update_existing": "更新已登记人员", "within": "几天内到期", "years": "近几年",
}

// noiseKeys are bookkeeping that says nothing to an auditor.
var noiseKeys = map[string]bool{"pinyin": true, "initials": true, "version": true, "created_at": true, "updated_at": true,
	"status_label": true, "party_years": true, "id": true}

func fieldLabel(k string) string {
	if l, ok := fieldLabels[k]; ok {
		return l
	}
	if _, err := strconv.ParseInt(k, 10, 64); err == nil {
		return "编号 " + k // a map by id, such as the posts of an election's people
	}
	return k
}

// Detail renders the detail (JSON, a query string or text) of a record of
// action as words.
func Detail(action, raw string) string {
	fam, _, _ := strings.Cut(action, ".")
	return family(fam).detail(raw)
}

// family is an event's feature (the first word of its action): the codes a
// detail holds are named by the feature that wrote them.
type family string

func (f family) detail(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		if q, err := url.ParseQuery(raw); err == nil && strings.Contains(raw, "=") && !strings.ContainsAny(raw, " {}\"") {
			return f.query(q)
		}
		if name := f.name("", raw); name != "" {
			return name
		}
		return raw
	}
	if s, ok := v.(string); ok {
		if q, err := url.ParseQuery(s); err == nil && strings.Contains(s, "=") && !strings.ContainsAny(s, " {}\"") {
			return f.query(q)
		}
	}
	if m, ok := v.(map[string]any); ok {
		if out, ok := f.change(m); ok {
			return out
		}
	}
	return f.words("", v)
}

func (f family) query(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := make([]string, 0, len(q[k]))
		for _, v := range q[k] {
			if v != "" {
				vals = append(vals, f.words(k, v))
			}
		}
		if len(vals) > 0 {
			parts = append(parts, f.field(k)+"："+strings.Join(vals, "、"))
		}
	}
	if len(parts) == 0 {
		return "无条件"
	}
	return strings.Join(parts, "；")
}

// describeChange renders {"before": …, "after": …} as what changed.
func (f family) change(m map[string]any) (string, bool) {
	before, hasB := m["before"]
	after, hasA := m["after"]
	for k := range m {
		if k != "before" && k != "after" {
			return "", false
		}
	}
	if !hasA && !hasB {
		return "", false
	}
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	switch {
	case hasA && hasB && bok && aok:
		keys := unionKeys(bm, am)
		var parts []string
		for _, k := range keys {
			if noiseKeys[k] {
				continue
			}
			b, a := f.words(k, bm[k]), f.words(k, am[k])
			if b != a {
				parts = append(parts, f.field(k)+"："+orDash(b)+" → "+orDash(a))
			}
		}
		if len(parts) == 0 {
			return "无变化", true
		}
		return "修改 " + strings.Join(parts, "；"), true
	case hasA && hasB:
		return "由 " + orDash(f.words("", before)) + " 改为 " + orDash(f.words("", after)), true
	case hasA:
		return "新值：" + f.words("", after), true
	default:
		return "原值：" + f.words("", before), true
	}
}

func orDash(s string) string {
	if s == "" {
		return "（空）"
	}
	return s
}

func unionKeys(a, b map[string]any) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// words renders a JSON value; key is the field it belongs to, for values
// with their own words (roles, field names, yes/no).
func (f family) words(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		return choice.YesNo(x)
	case json.Number:
		if at, ok := moment(key, x); ok {
			return at
		}
		return x.String()
	case string:
		if name := f.name(key, x); name != "" {
			return name
		}
		switch key {
		case "fields":
			return fieldLabel(x)
		case "action":
			return actionOrFamily(x)
		case "filter":
			if q, err := url.ParseQuery(x); err == nil && strings.Contains(x, "=") {
				return f.query(q)
			}
		}
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, f.words(key, e))
		}
		return strings.Join(parts, "、")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			if noiseKeys[k] {
				continue
			}
			if w := f.words(k, x[k]); w != "" {
				parts = append(parts, f.field(k)+"："+w)
			}
		}
		s := strings.Join(parts, "，")
		if key != "" && s != "" {
			return "（" + s + "）"
		}
		return s
	}
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v) // v was decoded from JSON (numbers, booleans, null): it encodes
	return strings.TrimSpace(b.String())
}

// familyLabels name the groups of events the search form offers (the
// filter matches action codes by prefix).
var familyLabels = []struct{ Prefix, Label string }{
	{"login", "登录"}, {"logout", "退出登录"}, {"mfa.", "动态口令"}, {"account.", "账号"}, {"audit.", "审计日志"},
	{"org.", "党组织"}, {"member.", "党员"}, {"transfer.", "组织关系转接"}, {"develop.", "发展党员"},
	{"training.", "培训"}, {"exam.", "考试竞赛"}, {"todo.", "待办"}, {"demo.", "演示数据"},
}

// actionOrFamily names an action code or a prefix of codes.
func actionOrFamily(code string) string {
	if l, ok := actionLabels[code]; ok {
		return l
	}
	for _, f := range familyLabels {
		if code == f.Prefix || code+"." == f.Prefix {
			return f.Label + "（全部）"
		}
	}
	return code
}

// Option is one choice of the event filter.
type Option struct {
	Value, Label string
	Group        bool
}

// actionOptions lists the event filter's choices: each group, then its events.
func actionOptions() []Option {
	var out []Option
	for _, f := range familyLabels {
		out = append(out, Option{Value: f.Prefix, Label: f.Label + "（全部）", Group: true})
		var codes []string
		for code := range actionLabels {
			if strings.HasPrefix(code, f.Prefix) {
				codes = append(codes, code)
			}
		}
		sort.Strings(codes)
		for _, c := range codes {
			out = append(out, Option{Value: c, Label: actionLabels[c]})
		}
	}
	return out
}
