package apigateway

import (
	"context"
	"strings"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Tags live in the documents of APIs, stages and domain names. Their
// ARNs: arn:aws:apigateway:REGION::/apis/ID, .../apis/ID/stages/NAME and
// arn:aws:apigateway:REGION::/domainnames/NAME.

// domainOfARN returns the domain name a tagging ARN names.
func domainOfARN(arn string) (string, bool) {
	_, name, ok := strings.Cut(arn, "::/domainnames/")
	if !ok || !strings.HasPrefix(arn, "arn:") || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

func parseTagARN(arn string) (apiID, stage string, err error) {
	_, path, ok := strings.Cut(arn, "::/apis/")
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":apigateway:") || !ok {
		return "", "", notFound("Invalid resource ARN specified " + arn)
	}
	apiID, rest, _ := strings.Cut(path, "/")
	if rest == "" {
		return apiID, "", nil
	}
	stage, found := strings.CutPrefix(rest, "stages/")
	if !found || stage == "" {
		return "", "", badRequest("Tagging is supported for APIs and stages only: " + arn)
	}
	return apiID, stage, nil
}

// editTags applies f to the tags of the resource an ARN names.
func (s *Service) editTags(ctx context.Context, arn string, f func(map[string]string) error) error {
	if name, ok := domainOfARN(arn); ok {
		return s.st.Update(ctx, func(tx *store.Tx) error {
			d, err := ownedDomain(ctx, tx, name)
			if err != nil {
				return err
			}
			if d.doc.Tags == nil {
				d.doc.Tags = map[string]string{}
			}
			if err := f(d.doc.Tags); err != nil {
				return err
			}
			return putDomain(ctx, tx, d.account, d.region, &d.doc, 0)
		})
	}
	apiID, stage, err := parseTagARN(arn)
	if err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, apiID)
		if err != nil {
			return err
		}
		if stage == "" {
			if r.doc.Tags == nil {
				r.doc.Tags = map[string]string{}
			}
			if err := f(r.doc.Tags); err != nil {
				return err
			}
			return putAPI(ctx, tx, r.account, r.region, &r.doc, 0)
		}
		_, st, err := s.stage(ctx, tx, apiID, stage)
		if err != nil {
			return err
		}
		if st.Tags == nil {
			st.Tags = map[string]string{}
		}
		if err := f(st.Tags); err != nil {
			return err
		}
		return putItem(ctx, tx, apiID, kindStage, stage, "", st, 0)
	})
}

// TagResource adds tags to an API or a stage.
func (s *Service) TagResource(ctx context.Context, in *api.TagResourceRequest) (*api.TagResourceResponse, error) {
	err := s.editTags(ctx, str(in.ResourceArn), func(tags map[string]string) error {
		for k, v := range in.Tags {
			tags[k] = v
		}
		if len(tags) > 50 {
			return badRequest("A resource can have at most 50 tags")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.TagResourceResponse{}, nil
}

// UntagResource removes tags from an API or a stage.
func (s *Service) UntagResource(ctx context.Context, in *api.UntagResourceRequest) error {
	return s.editTags(ctx, str(in.ResourceArn), func(tags map[string]string) error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
}

// GetTags returns the tags of an API or a stage.
func (s *Service) GetTags(ctx context.Context, in *api.GetTagsRequest) (*api.GetTagsResponse, error) {
	if name, ok := domainOfARN(str(in.ResourceArn)); ok {
		out := &api.GetTagsResponse{Tags: map[string]string{}}
		err := s.st.View(ctx, func(tx *store.Tx) error {
			d, err := ownedDomain(ctx, tx, name)
			if err != nil {
				return err
			}
			for k, v := range d.doc.Tags {
				out.Tags[k] = v
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	apiID, stage, err := parseTagARN(str(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	out := &api.GetTagsResponse{Tags: map[string]string{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, apiID)
		if err != nil {
			return err
		}
		if stage == "" {
			for k, v := range r.doc.Tags {
				out.Tags[k] = v
			}
			return nil
		}
		_, st, err := s.stage(ctx, tx, apiID, stage)
		if err != nil {
			return err
		}
		for k, v := range st.Tags {
			out.Tags[k] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// apiARN is the ARN of an API (for tags and $context).
func apiARN(ctx context.Context, apiID string) string {
	return "arn:aws:apigateway:" + reqinfo.From(ctx).Region + "::/apis/" + apiID
}
