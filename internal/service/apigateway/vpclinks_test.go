package apigateway_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

// TestVpcLinks: a VPC link is AVAILABLE at once (hako has no VPC; AWS
// goes through PENDING), can be renamed, listed and deleted, and an
// unknown id is NotFoundException.
func TestVpcLinks(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	out, err := c.CreateVpcLink(bg, &apigatewayv2.CreateVpcLinkInput{Name: aws.String("link"), SubnetIds: []string{"subnet-1", "subnet-2"},
		Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.VpcLinkStatus != types.VpcLinkStatusAvailable || out.VpcLinkVersion != types.VpcLinkVersionV2 || len(out.SubnetIds) != 2 ||
		out.Tags["team"] != "a" || out.CreatedDate == nil || aws.ToString(out.VpcLinkId) == "" {
		t.Fatalf("created %+v", out)
	}
	id := out.VpcLinkId
	if _, err := c.UpdateVpcLink(bg, &apigatewayv2.UpdateVpcLinkInput{VpcLinkId: id, Name: aws.String("renamed")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetVpcLink(bg, &apigatewayv2.GetVpcLinkInput{VpcLinkId: id})
	if err != nil || aws.ToString(got.Name) != "renamed" {
		t.Fatalf("get %+v %v", got, err)
	}
	h.Restart(t)
	c = h.APIGateway()
	list, err := c.GetVpcLinks(bg, &apigatewayv2.GetVpcLinksInput{})
	if err != nil || len(list.Items) != 1 || aws.ToString(list.Items[0].Name) != "renamed" {
		t.Fatalf("list after restart %+v %v", list, err)
	}
	if _, err := c.DeleteVpcLink(bg, &apigatewayv2.DeleteVpcLinkInput{VpcLinkId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetVpcLink(bg, &apigatewayv2.GetVpcLinkInput{VpcLinkId: id})
	apiErr(t, err, "NotFoundException", "Invalid VpcLink identifier specified "+aws.ToString(id))
}
