-- +goose Up
-- 双报到 and 为民办实事. A community (社区) is registered by the organisation
-- that keeps its record (org_id scopes it), with its "1+2" structure: the
-- police party organisation paired with it (police_org_id) and, by name,
-- the 小区党组织 and the 居民组织.
CREATE TABLE communities (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    street TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    police_org_id BIGINT REFERENCES orgs(id),
    estate_org TEXT NOT NULL DEFAULT '',
    resident_org TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX communities_once ON communities(org_id, name);

-- 报到: a unit (org_id, person_id NULL) reports to the community where it
-- sits, an in-service member (person_id; org_id their organisation then)
-- to the one where they live. ended_on closes a report when the member
-- moves; one live report per member, and per unit and community.
CREATE TABLE community_reports (
    id {{ID}},
    community_id BIGINT NOT NULL REFERENCES communities(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    person_id BIGINT REFERENCES persons(id),
    name TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    ended_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_reports_member ON community_reports(person_id) WHERE person_id IS NOT NULL AND ended_on IS NULL;
CREATE UNIQUE INDEX community_reports_unit ON community_reports(community_id, org_id) WHERE person_id IS NULL AND ended_on IS NULL;
CREATE INDEX community_reports_community ON community_reports(community_id);

-- A service activity or 为民办实事 (practical = 1) of an organisation in a
-- community: what, where, when, how many people it served; the members
-- who served and their hours (tenths of an hour).
CREATE TABLE community_activities (
    id {{ID}},
    community_id BIGINT NOT NULL REFERENCES communities(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    held_on TEXT NOT NULL,
    served INTEGER NOT NULL DEFAULT 0,
    practical INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_activities_once ON community_activities(community_id, org_id, held_on, title);
CREATE INDEX community_activities_held ON community_activities(held_on, org_id);

CREATE TABLE community_activity_people (
    activity_id BIGINT NOT NULL REFERENCES community_activities(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    hours_x10 INTEGER NOT NULL,
    PRIMARY KEY (activity_id, person_id)
);
CREATE INDEX community_activity_people_person ON community_activity_people(person_id);

CREATE TABLE community_photos (
    id {{ID}},
    activity_id BIGINT NOT NULL REFERENCES community_activities(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_photos_once ON community_photos(activity_id, sha256);

-- 关键小事: a resident's problem, who took it, by when, how it was
-- resolved and what the resident thought of it.
CREATE TABLE community_issues (
    id {{ID}},
    community_id BIGINT NOT NULL REFERENCES communities(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    raised_on TEXT NOT NULL,
    raised_by TEXT NOT NULL DEFAULT '',
    what TEXT NOT NULL,
    taker_id BIGINT REFERENCES persons(id),
    taker_name TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    resolved_on TEXT,
    resolution TEXT NOT NULL DEFAULT '',
    feedback TEXT NOT NULL DEFAULT '',
    feedback_note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX community_issues_once ON community_issues(community_id, raised_on, what);
CREATE INDEX community_issues_org ON community_issues(org_id, resolved_on);

-- The community's yearly feedback on an organisation's 双报到 work.
CREATE TABLE community_feedback (
    id {{ID}},
    community_id BIGINT NOT NULL REFERENCES communities(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    rating TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    given_by TEXT NOT NULL DEFAULT '',
    given_on TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_feedback_once ON community_feedback(community_id, org_id, year);

-- +goose Down
DROP TABLE community_feedback;
DROP TABLE community_issues;
DROP TABLE community_photos;
DROP TABLE community_activity_people;
DROP TABLE community_activities;
DROP TABLE community_reports;
DROP TABLE communities;
