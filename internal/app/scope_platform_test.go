package app_test

func init() {
	exempt("GET /healthz", "公开的健康检查，不含数据")
	exempt("GET /api/v1/openapi.json", "公开的接口描述，不含数据")
	exempt("GET /login", "登录页")
	exempt("POST /login", "登录")
	exempt("POST /api/v1/auth/login", "登录")
	exempt("POST /logout", "仅作用于本人会话")
	exempt("POST /api/v1/auth/logout", "仅作用于本人会话")
	exempt("GET /password", "仅作用于本人账号")
	exempt("POST /password", "仅作用于本人账号")
	exempt("POST /api/v1/auth/password", "仅作用于本人账号")
	exempt("GET /api/v1/me", "仅返回本人账号")
	exempt("GET /admin/accounts", "系统管理员专用，党务管理员得 403")
	exempt("GET /admin/accounts.xlsx", "系统管理员专用，党务管理员得 403")
	exempt("POST /admin/accounts", "系统管理员专用，党务管理员得 403")
	exempt("POST /admin/accounts/{id}/reset", "系统管理员专用，党务管理员得 403")
	exempt("GET /api/v1/accounts", "系统管理员专用，党务管理员得 403")
	exempt("POST /api/v1/accounts", "系统管理员专用，党务管理员得 403")
	exempt("GET /admin/security", "安全保密管理员专用，党务管理员得 403")
	exempt("POST /admin/security/{id}", "安全保密管理员专用，党务管理员得 403")
	exempt("PUT /api/v1/accounts/{id}/role", "安全保密管理员专用，党务管理员得 403")
	exempt("POST /api/v1/accounts/{id}/password", "系统管理员专用（三员账号除外），党务管理员得 403")
	exempt("POST /admin/security/requests/{id}/approve", "安全保密管理员专用，党务管理员得 403")
	exempt("POST /admin/security/requests/{id}/refuse", "安全保密管理员专用，党务管理员得 403")
	exempt("GET /api/v1/role-requests", "安全保密管理员专用，党务管理员得 403")
	exempt("POST /api/v1/role-requests/{id}/approve", "安全保密管理员专用，党务管理员得 403")
	exempt("POST /api/v1/role-requests/{id}/refuse", "安全保密管理员专用，党务管理员得 403")
}

func init() {
	exempt("GET /audit", "安全审计员专用，党务管理员得 403")
	exempt("GET /audit/export.csv", "安全审计员专用，党务管理员得 403")
	exempt("GET /api/v1/audit", "安全审计员专用，党务管理员得 403")
	exempt("GET /api/v1/audit/verify", "安全审计员专用，党务管理员得 403")
}

func init() {
	exempt("POST /login/otp", "登录第二步，仅作用于本人的待完成登录")
	exempt("GET /mfa", "仅作用于本人账号")
	exempt("GET /help", "使用说明，不含任何组织的数据")
	exempt("GET /help/{role}", "快速上手，不含任何组织的数据")
	exempt("POST /mfa", "仅作用于本人账号")
	exempt("POST /mfa/disable", "仅作用于本人账号")
	exempt("GET /api/v1/auth/mfa", "仅作用于本人账号")
	exempt("POST /api/v1/auth/mfa", "仅作用于本人账号")
	exempt("POST /api/v1/auth/mfa/disable", "仅作用于本人账号")
	exempt("POST /admin/accounts/{id}/mfa/reset", "系统管理员专用，党务管理员得 403")
	exempt("POST /api/v1/accounts/{id}/mfa/reset", "系统管理员专用，党务管理员得 403")
}
