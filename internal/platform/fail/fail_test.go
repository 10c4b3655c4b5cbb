package fail

import "testing"

func TestCollectKeepsEveryProblem(t *testing.T) {
	if Collect(nil, nil) != nil {
		t.Fatal("no problem is no error")
	}
	err := Collect(nil, Malformed("a", "甲不对"), nil, Malformed("b", "乙不对"))
	fs, ok := err.(Fields)
	if !ok || len(fs) != 2 || fs.Of("b") != "乙不对" || err.Error() != "甲不对；乙不对" {
		t.Fatalf("%#v", err)
	}
}
