package training

import "hongdun/internal/platform/web"

func (s *Service) pages() []web.Route { return nil }
