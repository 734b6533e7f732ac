package apigateway

import (
	"context"
	"encoding/json"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/store"
)

// Models (JSON schemas of WebSocket API messages) are stored and
// returned; hako does not validate messages against them.

// CreateModel creates a model.
func (s *Service) CreateModel(ctx context.Context, in *api.CreateModelRequest) (*api.CreateModelResponse, error) {
	m := api.Model{ModelId: ptr(newID(6)), ContentType: in.ContentType, Description: in.Description, Name: in.Name, Schema: in.Schema}
	if m.ContentType == nil {
		m.ContentType = ptr("application/json")
	}
	if !json.Valid([]byte(str(m.Schema))) {
		return nil, badRequest("Invalid model schema specified: the schema must be a JSON document")
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		all, err := listItems[api.Model](ctx, tx, *r.doc.ApiId, kindModel, "")
		if err != nil {
			return err
		}
		for _, o := range all {
			if str(o.Name) == str(m.Name) {
				return conflict("Model name already exists for this API")
			}
		}
		return putItem(ctx, tx, *r.doc.ApiId, kindModel, *m.ModelId, "", m, s.seq())
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateModelResponse(m)
	return &out, nil
}

func (s *Service) model(ctx context.Context, tx *store.Tx, apiID, id string) (*api.Model, error) {
	if _, err := s.ownedAPI(ctx, tx, apiID); err != nil {
		return nil, err
	}
	return item[api.Model](ctx, tx, apiID, kindModel, id, itemNotFound("Model", id))
}

// GetModel describes a model.
func (s *Service) GetModel(ctx context.Context, in *api.GetModelRequest) (*api.GetModelResponse, error) {
	var out api.GetModelResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		m, err := s.model(ctx, tx, str(in.ApiId), str(in.ModelId))
		if err != nil {
			return err
		}
		out = api.GetModelResponse(*m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetModelTemplate returns a model's mapping template (hako: empty).
func (s *Service) GetModelTemplate(ctx context.Context, in *api.GetModelTemplateRequest) (*api.GetModelTemplateResponse, error) {
	err := s.st.View(ctx, func(tx *store.Tx) error {
		_, err := s.model(ctx, tx, str(in.ApiId), str(in.ModelId))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.GetModelTemplateResponse{Value: ptr("")}, nil
}

// GetModels lists an API's models.
func (s *Service) GetModels(ctx context.Context, in *api.GetModelsRequest) (*api.GetModelsResponse, error) {
	items, next, err := listPage[api.Model](ctx, s, func(tx *store.Tx) error {
		_, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		return err
	}, str(in.ApiId), kindModel, "", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetModelsResponse{Items: items, NextToken: next}, nil
}

// UpdateModel changes a model.
func (s *Service) UpdateModel(ctx context.Context, in *api.UpdateModelRequest) (*api.UpdateModelResponse, error) {
	var out api.UpdateModelResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		m, err := s.model(ctx, tx, str(in.ApiId), str(in.ModelId))
		if err != nil {
			return err
		}
		set(&m.ContentType, in.ContentType)
		set(&m.Description, in.Description)
		set(&m.Name, in.Name)
		if in.Schema != nil {
			if !json.Valid([]byte(*in.Schema)) {
				return badRequest("Invalid model schema specified: the schema must be a JSON document")
			}
			m.Schema = in.Schema
		}
		if err := putItem(ctx, tx, str(in.ApiId), kindModel, *m.ModelId, "", m, 0); err != nil {
			return err
		}
		out = api.UpdateModelResponse(*m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteModel deletes a model.
func (s *Service) DeleteModel(ctx context.Context, in *api.DeleteModelRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		m, err := s.model(ctx, tx, str(in.ApiId), str(in.ModelId))
		if err != nil {
			return err
		}
		return deleteItem(ctx, tx, str(in.ApiId), kindModel, *m.ModelId)
	})
}
