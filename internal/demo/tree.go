package demo

import (
	"fmt"
	"strings"

	"hongdun/internal/platform/civil"
)

// Organisation kinds, as internal/org stores them.
const (
	kCommittee = "committee"
	kGeneral   = "general"
	kBranch    = "branch"
	kJoint     = "joint"
	kTemp      = "temp_branch"
	kGroup     = "group"
)

// profile says who works in a branch, which decides categories and posts.
type profile int

const (
	office  profile = iota // 机关: mostly 民警, some 职工
	field                  // 派出所: 民警 and many 辅警
	brigade                // 大队/支队
	joint                  // small units together
	retired                // 离退休
)

// special marks the organisations that make the tree's warnings show.
type special int

const (
	plain       special = iota
	few                 // fewer than 3 正式党员
	big                 // more than 50 党员
	vacant              // no 书记
	noCommittee         // 7+ 正式党员 but only a 书记
	expiring            // term ends within 6 months
	expired             // term already over
)

type orgSpec struct {
	name, short, kind  string
	approve            bool
	task, endsOn       string
	parent             int    // index of the parent, -1 for the root
	slug               string // username of its 党务管理员, "" for none
	profile            profile
	weight             float64 // share of the bureau's people; 0 holds nobody
	special            special
	id                 int64
	path               string
	termStart, termEnd string
}

// holdsPeople reports whether people are registered directly in the org.
func (o *orgSpec) holdsPeople() bool { return o.weight > 0 || o.special == few || o.special == big }

// tree lays out the bureau. extraBranches adds numbered branches to the
// districts, for large benchmark datasets.
func tree(today civil.Date, extraBranches int) []orgSpec {
	var os []orgSpec
	add := func(parent int, o orgSpec) int {
		o.parent = parent
		os = append(os, o)
		return len(os) - 1
	}
	branch := func(parent int, name, short, slug string, p profile, w float64) int {
		return add(parent, orgSpec{name: name, short: short, kind: kBranch, slug: slug, profile: p, weight: w})
	}
	root := add(-1, orgSpec{name: "中共西安市公安局委员会", short: "市公安局党委", kind: kCommittee, approve: true, slug: Recorder})
	jg := add(root, orgSpec{name: "中共西安市公安局机关委员会", short: "机关党委", kind: kCommittee, approve: true, slug: "jiguan"})
	for _, b := range []struct {
		name, slug string
		p          profile
	}{{"政治部", "zhengzhibu", office}, {"指挥中心", "zhihui", office}, {"刑侦支队", "xingzhen", brigade}, {"治安支队", "zhian", brigade},
		{"经侦支队", "jingzhen", brigade}, {"网安支队", "wangan", brigade}, {"禁毒支队", "jindu", brigade}, {"警务保障部", "baozhang", office}} {
		branch(jg, "市公安局"+b.name+"党支部", b.name+"党支部", "jiguan-"+b.slug, b.p, 1)
	}
	jj := add(jg, orgSpec{name: "市公安局交警支队党总支", short: "交警支队党总支", kind: kGeneral, slug: "jiaojing"})
	for _, b := range []struct{ name, slug string }{{"支队机关", "jiguan"}, {"一大队", "yidadui"}, {"二大队", "erdadui"}, {"车辆管理所", "chesuo"}} {
		branch(jj, "交警支队"+b.name+"党支部", b.name+"党支部", "jiaojing-"+b.slug, brigade, 1)
	}
	add(jg, orgSpec{name: "市公安局离退休干部党支部", short: "离退休干部党支部", kind: kBranch, slug: "jiguan-lituixiu", profile: retired, special: big})
	add(jg, orgSpec{name: "市公安局信访档案保密联合党支部", short: "信访档案保密联合党支部", kind: kJoint, slug: "jiguan-lianhe", profile: joint, weight: 0.3})
	add(root, orgSpec{name: "丝路国际博览会安保临时党支部", short: "博览会安保临时党支部", kind: kTemp, slug: "linshi",
		task: "丝绸之路国际博览会安保任务", endsOn: today.AddMonths(4).String()})

	districtAt := make([]int, len(districts))
	for i, d := range districts {
		dj := add(root, orgSpec{name: "中共西安市公安局" + d.name + "分局委员会", short: d.name + "分局党委", kind: kCommittee, approve: true, slug: d.slug})
		districtAt[i] = dj
		pre := d.name + "分局"
		branch(dj, pre+"机关第一党支部", "机关第一党支部", d.slug+"-jiguan1", office, 0.9)
		branch(dj, pre+"机关第二党支部", "机关第二党支部", d.slug+"-jiguan2", office, 0.9)
		switch d.slug {
		case "yanta":
			g := add(dj, orgSpec{name: pre + "交警大队党总支", short: "交警大队党总支", kind: kGeneral, slug: d.slug + "-jiaojing"})
			branch(g, pre+"交警大队第一中队党支部", "交警一中队党支部", d.slug+"-jiaojing1", brigade, 0.9)
			branch(g, pre+"交警大队第二中队党支部", "交警二中队党支部", d.slug+"-jiaojing2", brigade, 0.9)
			branch(dj, pre+"刑警大队党支部", "刑警大队党支部", d.slug+"-xingjing", brigade, 1)
		case "changan":
			g := add(dj, orgSpec{name: pre + "刑警大队党总支", short: "刑警大队党总支", kind: kGeneral, slug: d.slug + "-xingjing"})
			branch(g, pre+"刑警大队第一中队党支部", "刑警一中队党支部", d.slug+"-xingjing1", brigade, 0.9)
			branch(g, pre+"刑警大队第二中队党支部", "刑警二中队党支部", d.slug+"-xingjing2", brigade, 0.9)
			branch(dj, pre+"交警大队党支部", "交警大队党支部", d.slug+"-jiaojing", brigade, 1)
		default:
			branch(dj, pre+"刑警大队党支部", "刑警大队党支部", d.slug+"-xingjing", brigade, 1)
			branch(dj, pre+"交警大队党支部", "交警大队党支部", d.slug+"-jiaojing", brigade, 1)
		}
		branch(dj, pre+"治安巡警大队党支部", "治安巡警大队党支部", d.slug+"-xunjing", brigade, 0.9)
		for _, s := range d.stations {
			branch(dj, pre+s.name+"派出所党支部", s.name+"派出所党支部", d.slug+"-"+s.slug, field, 1.1)
		}
	}
	for i := 0; i < extraBranches; i++ {
		d := i % len(districts)
		n := i/len(districts) + 1
		branch(districtAt[d], fmt.Sprintf("%s分局第%d警务区党支部", districts[d].name, n), fmt.Sprintf("第%d警务区党支部", n), "", field, 1)
	}
	mark := func(short string, s special) {
		for i := range os {
			if os[i].name == short || os[i].short == short {
				os[i].special = s
				if s == few {
					os[i].weight = 0
				}
				return
			}
		}
		panic("demo: no org " + short)
	}
	mark("阎良分局武屯派出所党支部", few)
	mark("高陵分局通远派出所党支部", vacant)
	mark("莲湖分局土门派出所党支部", noCommittee)
	mark("临潼分局相桥派出所党支部", expired)
	mark("碑林分局党委", expiring)
	mark("市公安局政治部党支部", expiring)
	mark("未央分局大明宫派出所党支部", expiring)
	mark("交警支队党总支", expiring)
	return os
}

// groups are the 党小组 set up inside some branches.
var groups = map[string][]string{
	"雁塔分局小寨路派出所党支部": {"社区警务党小组", "案件办理党小组", "综合党小组"},
	"市公安局政治部党支部":    {"第一党小组", "第二党小组"},
	"市公安局离退休干部党支部":  {"第一党小组", "第二党小组", "第三党小组"},
	"新城分局西一路派出所党支部": {"第一党小组", "第二党小组"},
	"交警支队一大队党支部":    {"第一党小组", "第二党小组"},
}

// withGroups appends the 党小组 after their branches are known.
func withGroups(os []orgSpec) []orgSpec {
	for i := range os {
		for _, g := range groups[os[i].name] {
			os = append(os, orgSpec{name: strings.TrimSuffix(os[i].name, "党支部") + g, short: g, kind: kGroup, parent: i})
		}
	}
	return os
}

// termYears of the kinds elected for a term (rules.md §1).
func termYears(kind string) int {
	switch kind {
	case kCommittee:
		return 5
	case kGeneral, kBranch, kJoint:
		return 3
	}
	return 0
}
