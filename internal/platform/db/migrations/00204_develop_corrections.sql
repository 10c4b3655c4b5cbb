-- +goose Up
-- Earlier versions of corrected development records (更正): what a record
-- held before each correction, what changed, why and by whom.
CREATE TABLE dev_record_history (
    id {{ID}},
    record_id BIGINT NOT NULL REFERENCES dev_records(id),
    case_id BIGINT NOT NULL REFERENCES dev_cases(id),
    on_date TEXT NOT NULL,
    org_id BIGINT REFERENCES orgs(id),
    data TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX dev_record_history_case ON dev_record_history(case_id, record_id);

-- A stable code of what each deadline is about (rules.DeadlineKinds).
ALTER TABLE dev_deadlines ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE dev_deadlines SET kind = CASE title
    WHEN '与入党申请人谈话' THEN 'talk'
    WHEN '入党积极分子半年考察' THEN 'activist_review'
    WHEN '确定发展对象前公示期满' THEN 'candidate_publicity_end'
    WHEN '接收预备党员前公示期满' THEN 'admission_publicity_end'
    WHEN '上级党委审批接收预备党员' THEN 'admission_approval'
    WHEN '上级党委审批最后期限' THEN 'admission_approval_last'
    WHEN '支部大会讨论转正' THEN 'conversion_meeting'
    WHEN '上级党委审批转正' THEN 'conversion_approval'
    ELSE '' END;

-- +goose Down
ALTER TABLE dev_deadlines DROP COLUMN kind;
DROP TABLE dev_record_history;
