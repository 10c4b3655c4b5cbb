package brand

import (
	"bytes"
	"context"
	"hongdun/internal/demo"
	"image"
	"image/color"
	"image/png"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// demoBrands are the demo bureau's brands and methods: who holds them
// (the bureau, its first 分局, its branches in turn) and how far they got.
var demoBrands = []struct {
	holder                                 string // bureau, district or branch
	kind, name, slogan, about, how, result string
	state                                  string
	featured                               bool
}{
	{"bureau", KindBrand, "红色忠诚", "对党忠诚 服务人民 执法公正 纪律严明", "以总书记训词精神铸魂，把对党忠诚贯穿公安工作全过程。",
		"开展“忠诚铸警魂”主题教育，书记讲党课、先锋亮身份、典型作示范。", "全局党组织战斗堡垒作用明显增强，涌现一批先进典型。", Approved, true},
	{"district", KindMethod, "“三三三”工作法", "三个到位 三个一线 三个满意", "支部建在所队上，党建工作与执法办案深度融合。",
		"学习到位、责任到位、考核到位；问题在一线发现、矛盾在一线化解、作风在一线锤炼。", "辖区案件下降，群众满意率连续三年提升。", Approved, true},
	{"branch", KindBrand, "红盾先锋", "一名党员一面旗", "党员带头攻坚急难险重任务。", "设立党员先锋岗、党员责任区，亮身份、亮承诺。", "党员示范带动作用明显。", Approved, true},
	{"branch", KindMethod, "“枫桥式”党建+调解工作法", "小事不出村 矛盾不上交", "把党支部建在矛盾化解一线。", "党员民警包片调解，联合社区党组织共同化解纠纷。", "调解成功率 96%。", Approved, false},
	{"branch", KindBrand, "警心向党", "", "以党建带队建。", "支部书记带头讲党课，每月一次主题党日。", "", Submitted, false},
	{"branch", KindMethod, "“四个一”工作法", "", "每周一学、每月一评。", "", "", Draft, false},
	{"branch", KindBrand, "平安守护", "守护一方平安", "社区警务融合党建。", "党员民警认领社区。", "", Returned, false},
}

// cover draws a plain picture in the brand's colours (the demo has no
// photographs).
func cover(i int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 480, 270))
	for y := 0; y < 270; y++ {
		for x := 0; x < 480; x++ {
			img.Set(x, y, color.RGBA{R: uint8(150 + (x+i*40)%100), G: uint8(20 + y/6), B: uint8(20 + (i*30)%60), A: 255})
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// SeedDemo registers the demo bureau's brands: the bureau's own and a
// 分局's method featured, branch brands at every state, photos for the
// featured ones, and branches that adopted them. It does nothing when
// brands exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "brands"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	seeded := 0
	for _, root := range orgs {
		if root.ParentID != 0 || root.Dissolved() {
			continue
		}
		var district int64
		var branches []int64
		for _, o := range orgs {
			switch {
			case o.ParentID == root.ID && o.Kind == org.Committee && district == 0:
				district = o.ID
			case o.Kind == org.Branch && !o.Dissolved() && scope.Under(root.Path).Contains(o.Path):
				branches = append(branches, o.ID)
			}
		}
		if district == 0 || len(branches) < 12 {
			continue
		}
		p := &auth.Principal{Role: auth.OrgAdmin, OrgID: root.ID, OrgPath: root.Path, Username: demo.Recorder}
		next := 0
		for i, x := range demoBrands {
			holder := map[string]int64{"bureau": root.ID, "district": district}[x.holder]
			if holder == 0 {
				holder, next = branches[next*5%len(branches)], next+1
			}
			b, err := Create(ctx, d, p, Input{OrgID: holder, Kind: x.kind, Name: x.name, Slogan: x.slogan, About: x.about, Practice: x.how,
				Results: x.result, Submit: x.state != Draft})
			if err != nil {
				return err
			}
			seeded++
			if x.featured {
				pic, err := cover(i)
				if err != nil {
					return err
				}
				if _, err := AddFile(ctx, d, p, b.ID, x.name+".png", pic); err != nil {
					return err
				}
			}
			if x.state == Approved || x.state == Returned {
				if b, err = Review(ctx, d, p, b.ID, b.Version, x.state == Approved, "材料翔实，同意"); err != nil {
					return err
				}
			}
			if !x.featured {
				continue
			}
			if b, err = Feature(ctx, d, p, b.ID, b.Version, true); err != nil {
				return err
			}
			today := civil.Today(d.Now())
			for k := 0; k < 2+i; k++ {
				o := branches[(7*k+3*i+1)%len(branches)]
				if o == holder {
					continue
				}
				if _, err := Adopt(ctx, d, p, b.ID, AdoptInput{OrgID: o, Since: today.AddDays(-30 * (k + 1)).String(), Note: "结合本支部实际推广"}); err != nil {
					return err
				}
			}
		}
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "brand.demo_seed", ObjectType: "system", Detail: map[string]int{"brands": seeded}})
	})
}
