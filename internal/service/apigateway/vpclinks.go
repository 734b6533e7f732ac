package apigateway

import (
	"context"

	"github.com/hako-dev/hako/internal/model"
	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// VPC links: hako has no VPC, so a link is a record that is AVAILABLE at
// once (AWS takes minutes going through PENDING) and that integrations may
// name (ConnectionType VPC_LINK); an integration through it reaches its
// IntegrationUri directly. Links live in apigw_items under a per-account,
// per-region owner key rather than an API.

const kindVpcLink = "vpclink"

func vpcLinkOwner(ctx context.Context) string {
	info := reqinfo.From(ctx)
	return "vpclinks/" + info.Account + "/" + info.Region
}

// CreateVpcLink creates a VPC link, available at once.
func (s *Service) CreateVpcLink(ctx context.Context, in *api.CreateVpcLinkRequest) (*api.CreateVpcLinkResponse, error) {
	l := api.VpcLink{Name: in.Name, SecurityGroupIds: in.SecurityGroupIds, SubnetIds: in.SubnetIds, Tags: in.Tags,
		VpcLinkId: ptr(newID(6)), VpcLinkStatus: ptr("AVAILABLE"), VpcLinkStatusMessage: ptr("VPC link is ready to route traffic"),
		VpcLinkVersion: ptr("V2"), CreatedDate: &model.Timestamp{Time: s.clk.Now().UTC().Truncate(1e9)}}
	if l.SecurityGroupIds == nil {
		l.SecurityGroupIds = []string{}
	}
	if l.Tags == nil {
		l.Tags = map[string]string{}
	}
	owner := vpcLinkOwner(ctx)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		return putItem(ctx, tx, owner, kindVpcLink, *l.VpcLinkId, "", l, s.seq())
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateVpcLinkResponse(l)
	return &out, nil
}

func (s *Service) vpcLink(ctx context.Context, q querier, id string) (*api.VpcLink, error) {
	return item[api.VpcLink](ctx, q, vpcLinkOwner(ctx), kindVpcLink, id, itemNotFound("VpcLink", id))
}

// GetVpcLink describes a VPC link.
func (s *Service) GetVpcLink(ctx context.Context, in *api.GetVpcLinkRequest) (*api.GetVpcLinkResponse, error) {
	var out api.GetVpcLinkResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		l, err := s.vpcLink(ctx, tx, str(in.VpcLinkId))
		if l != nil {
			out = api.GetVpcLinkResponse(*l)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetVpcLinks lists the account's VPC links in the region.
func (s *Service) GetVpcLinks(ctx context.Context, in *api.GetVpcLinksRequest) (*api.GetVpcLinksResponse, error) {
	var all []api.VpcLink
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		all, err = listItems[api.VpcLink](ctx, tx, vpcLinkOwner(ctx), kindVpcLink, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []api.VpcLink{}
	}
	return &api.GetVpcLinksResponse{Items: items, NextToken: next}, nil
}

// UpdateVpcLink renames a VPC link.
func (s *Service) UpdateVpcLink(ctx context.Context, in *api.UpdateVpcLinkRequest) (*api.UpdateVpcLinkResponse, error) {
	var out api.UpdateVpcLinkResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		l, err := s.vpcLink(ctx, tx, str(in.VpcLinkId))
		if err != nil {
			return err
		}
		if in.Name != nil {
			l.Name = in.Name
		}
		out = api.UpdateVpcLinkResponse(*l)
		return putItem(ctx, tx, vpcLinkOwner(ctx), kindVpcLink, *l.VpcLinkId, "", l, s.seq())
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteVpcLink deletes a VPC link (202, as AWS answers: the deletion is
// asynchronous there).
func (s *Service) DeleteVpcLink(ctx context.Context, in *api.DeleteVpcLinkRequest) (*api.DeleteVpcLinkResponse, error) {
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := s.vpcLink(ctx, tx, str(in.VpcLinkId)); err != nil {
			return err
		}
		return deleteItem(ctx, tx, vpcLinkOwner(ctx), kindVpcLink, str(in.VpcLinkId))
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteVpcLinkResponse{}, nil
}
