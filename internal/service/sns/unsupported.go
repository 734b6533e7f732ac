package sns

import (
	"context"

	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// unsupported answers the operations hako does not implement (yet). Delete
// an operation's stub here when you implement it elsewhere in the package.
func unsupported(op string) error {
	return awserr.New("InvalidAction", op+" is not supported by hako yet.").WithStatus(400)
}

// CheckIfPhoneNumberIsOptedOut is not supported yet.
func (s *Service) CheckIfPhoneNumberIsOptedOut(ctx context.Context, in *snsapi.CheckIfPhoneNumberIsOptedOutInput) (*snsapi.CheckIfPhoneNumberIsOptedOutResponse, error) {
	return nil, unsupported("CheckIfPhoneNumberIsOptedOut")
}

// CreatePlatformApplication is not supported yet.
func (s *Service) CreatePlatformApplication(ctx context.Context, in *snsapi.CreatePlatformApplicationInput) (*snsapi.CreatePlatformApplicationResponse, error) {
	return nil, unsupported("CreatePlatformApplication")
}

// CreatePlatformEndpoint is not supported yet.
func (s *Service) CreatePlatformEndpoint(ctx context.Context, in *snsapi.CreatePlatformEndpointInput) (*snsapi.CreateEndpointResponse, error) {
	return nil, unsupported("CreatePlatformEndpoint")
}

// CreateSMSSandboxPhoneNumber is not supported yet.
func (s *Service) CreateSMSSandboxPhoneNumber(ctx context.Context, in *snsapi.CreateSMSSandboxPhoneNumberInput) (*snsapi.CreateSMSSandboxPhoneNumberResult, error) {
	return nil, unsupported("CreateSMSSandboxPhoneNumber")
}

// DeleteEndpoint is not supported yet.
func (s *Service) DeleteEndpoint(ctx context.Context, in *snsapi.DeleteEndpointInput) error {
	return unsupported("DeleteEndpoint")
}

// DeletePlatformApplication is not supported yet.
func (s *Service) DeletePlatformApplication(ctx context.Context, in *snsapi.DeletePlatformApplicationInput) error {
	return unsupported("DeletePlatformApplication")
}

// DeleteSMSSandboxPhoneNumber is not supported yet.
func (s *Service) DeleteSMSSandboxPhoneNumber(ctx context.Context, in *snsapi.DeleteSMSSandboxPhoneNumberInput) (*snsapi.DeleteSMSSandboxPhoneNumberResult, error) {
	return nil, unsupported("DeleteSMSSandboxPhoneNumber")
}

// GetDataProtectionPolicy is not supported yet.
func (s *Service) GetDataProtectionPolicy(ctx context.Context, in *snsapi.GetDataProtectionPolicyInput) (*snsapi.GetDataProtectionPolicyResponse, error) {
	return nil, unsupported("GetDataProtectionPolicy")
}

// GetEndpointAttributes is not supported yet.
func (s *Service) GetEndpointAttributes(ctx context.Context, in *snsapi.GetEndpointAttributesInput) (*snsapi.GetEndpointAttributesResponse, error) {
	return nil, unsupported("GetEndpointAttributes")
}

// GetPlatformApplicationAttributes is not supported yet.
func (s *Service) GetPlatformApplicationAttributes(ctx context.Context, in *snsapi.GetPlatformApplicationAttributesInput) (*snsapi.GetPlatformApplicationAttributesResponse, error) {
	return nil, unsupported("GetPlatformApplicationAttributes")
}

// GetSMSAttributes is not supported yet.
func (s *Service) GetSMSAttributes(ctx context.Context, in *snsapi.GetSMSAttributesInput) (*snsapi.GetSMSAttributesResponse, error) {
	return nil, unsupported("GetSMSAttributes")
}

// GetSMSSandboxAccountStatus is not supported yet.
func (s *Service) GetSMSSandboxAccountStatus(ctx context.Context, in *snsapi.GetSMSSandboxAccountStatusInput) (*snsapi.GetSMSSandboxAccountStatusResult, error) {
	return nil, unsupported("GetSMSSandboxAccountStatus")
}

// ListEndpointsByPlatformApplication is not supported yet.
func (s *Service) ListEndpointsByPlatformApplication(ctx context.Context, in *snsapi.ListEndpointsByPlatformApplicationInput) (*snsapi.ListEndpointsByPlatformApplicationResponse, error) {
	return nil, unsupported("ListEndpointsByPlatformApplication")
}

// ListOriginationNumbers is not supported yet.
func (s *Service) ListOriginationNumbers(ctx context.Context, in *snsapi.ListOriginationNumbersRequest) (*snsapi.ListOriginationNumbersResult, error) {
	return nil, unsupported("ListOriginationNumbers")
}

// ListPhoneNumbersOptedOut is not supported yet.
func (s *Service) ListPhoneNumbersOptedOut(ctx context.Context, in *snsapi.ListPhoneNumbersOptedOutInput) (*snsapi.ListPhoneNumbersOptedOutResponse, error) {
	return nil, unsupported("ListPhoneNumbersOptedOut")
}

// ListPlatformApplications is not supported yet.
func (s *Service) ListPlatformApplications(ctx context.Context, in *snsapi.ListPlatformApplicationsInput) (*snsapi.ListPlatformApplicationsResponse, error) {
	return nil, unsupported("ListPlatformApplications")
}

// ListSMSSandboxPhoneNumbers is not supported yet.
func (s *Service) ListSMSSandboxPhoneNumbers(ctx context.Context, in *snsapi.ListSMSSandboxPhoneNumbersInput) (*snsapi.ListSMSSandboxPhoneNumbersResult, error) {
	return nil, unsupported("ListSMSSandboxPhoneNumbers")
}

// OptInPhoneNumber is not supported yet.
func (s *Service) OptInPhoneNumber(ctx context.Context, in *snsapi.OptInPhoneNumberInput) (*snsapi.OptInPhoneNumberResponse, error) {
	return nil, unsupported("OptInPhoneNumber")
}

// PutDataProtectionPolicy is not supported yet.
func (s *Service) PutDataProtectionPolicy(ctx context.Context, in *snsapi.PutDataProtectionPolicyInput) error {
	return unsupported("PutDataProtectionPolicy")
}

// SetEndpointAttributes is not supported yet.
func (s *Service) SetEndpointAttributes(ctx context.Context, in *snsapi.SetEndpointAttributesInput) error {
	return unsupported("SetEndpointAttributes")
}

// SetPlatformApplicationAttributes is not supported yet.
func (s *Service) SetPlatformApplicationAttributes(ctx context.Context, in *snsapi.SetPlatformApplicationAttributesInput) error {
	return unsupported("SetPlatformApplicationAttributes")
}

// SetSMSAttributes is not supported yet.
func (s *Service) SetSMSAttributes(ctx context.Context, in *snsapi.SetSMSAttributesInput) (*snsapi.SetSMSAttributesResponse, error) {
	return nil, unsupported("SetSMSAttributes")
}

// VerifySMSSandboxPhoneNumber is not supported yet.
func (s *Service) VerifySMSSandboxPhoneNumber(ctx context.Context, in *snsapi.VerifySMSSandboxPhoneNumberInput) (*snsapi.VerifySMSSandboxPhoneNumberResult, error) {
	return nil, unsupported("VerifySMSSandboxPhoneNumber")
}
