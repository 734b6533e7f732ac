package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	hlambda "github.com/hako-dev/hako/internal/service/lambda"
	"github.com/hako-dev/hako/internal/store"
)

const layerPrefix = "arn:aws:lambda:us-east-1:000000000000:layer:"

func publishLayer(t *testing.T, c *lambda.Client, name string, pkg []byte, mut ...func(*lambda.PublishLayerVersionInput)) *lambda.PublishLayerVersionOutput {
	t.Helper()
	in := &lambda.PublishLayerVersionInput{LayerName: aws.String(name), Content: &types.LayerVersionContentInput{ZipFile: pkg}}
	for _, m := range mut {
		m(in)
	}
	out, err := c.PublishLayerVersion(context.Background(), in)
	if err != nil {
		t.Fatalf("PublishLayerVersion %s: %v", name, err)
	}
	return out
}

// bootstrapZip packs the Go test function as a bootstrap, uncompressed:
// deflating the binary is the slow part of these tests under -race.
func bootstrapZip(t *testing.T) []byte {
	t.Helper()
	bin, err := os.ReadFile(lambdatest.BuildGo(t, "gofn"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Store}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(bin)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func dataZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	return lambdatest.Source(t, files)
}

// wantErr checks an API error's code and that its message contains msg
// (or equals it when exact).
func wantErr(t *testing.T, what string, err error, code, msg string, exact bool) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: got %v, want %s", what, err, code)
		return
	}
	if ae.ErrorCode() != code || (exact && ae.ErrorMessage() != msg) || (!exact && !strings.Contains(ae.ErrorMessage(), msg)) {
		t.Errorf("%s: got %s %q, want %s %q", what, ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func versions(items []types.LayerVersionsListItem) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, it.Version)
	}
	return out
}

func TestLayerLifecycle(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	pkg := dataZip(t, map[string]string{"lib/one.txt": "one"})
	sum := sha256.Sum256(pkg)

	v1 := publishLayer(t, c, "mylayer", pkg, func(in *lambda.PublishLayerVersionInput) {
		in.Description = aws.String("first")
		in.LicenseInfo = aws.String("MIT")
		in.CompatibleRuntimes = []types.Runtime{types.RuntimePython312, types.RuntimeProvidedal2023}
		in.CompatibleArchitectures = []types.Architecture{types.ArchitectureX8664}
	})
	if aws.ToString(v1.LayerArn) != layerPrefix+"mylayer" || aws.ToString(v1.LayerVersionArn) != layerPrefix+"mylayer:1" || v1.Version != 1 ||
		aws.ToString(v1.Description) != "first" || aws.ToString(v1.LicenseInfo) != "MIT" ||
		len(v1.CompatibleRuntimes) != 2 || v1.CompatibleRuntimes[0] != types.RuntimePython312 || len(v1.CompatibleArchitectures) != 1 {
		t.Fatalf("publish v1: %+v", v1)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`).MatchString(aws.ToString(v1.CreatedDate)) {
		t.Errorf("CreatedDate %q", aws.ToString(v1.CreatedDate))
	}
	if v1.Content == nil || aws.ToString(v1.Content.CodeSha256) != base64.StdEncoding.EncodeToString(sum[:]) || v1.Content.CodeSize != int64(len(pkg)) ||
		!strings.HasPrefix(aws.ToString(v1.Content.Location), h.URL+"/_hako/lambda/code/") {
		t.Errorf("content %+v", v1.Content)
	}

	// Same content, same settings: still a new version.
	v2 := publishLayer(t, c, "mylayer", pkg)
	if v2.Version != 2 || aws.ToString(v2.Description) != "" || v2.LicenseInfo != nil || len(v2.CompatibleRuntimes) != 0 ||
		aws.ToString(v2.Content.CodeSha256) != aws.ToString(v1.Content.CodeSha256) {
		t.Errorf("publish v2: %+v", v2)
	}

	// LayerName may be the layer's ARN.
	for _, name := range []string{"mylayer", layerPrefix + "mylayer"} {
		got, err := c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String(name), VersionNumber: aws.Int64(1)})
		if err != nil {
			t.Fatalf("GetLayerVersion %s: %v", name, err)
		}
		if aws.ToString(got.LayerVersionArn) != layerPrefix+"mylayer:1" || aws.ToString(got.Description) != "first" || aws.ToString(got.LicenseInfo) != "MIT" ||
			aws.ToString(got.CreatedDate) != aws.ToString(v1.CreatedDate) || aws.ToString(got.Content.CodeSha256) != aws.ToString(v1.Content.CodeSha256) ||
			aws.ToString(got.Content.Location) != aws.ToString(v1.Content.Location) || len(got.CompatibleRuntimes) != 2 {
			t.Errorf("GetLayerVersion %s: %+v", name, got)
		}
	}
	byArn, err := c.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(layerPrefix + "mylayer:2")})
	if err != nil || byArn.Version != 2 || aws.ToString(byArn.LayerArn) != layerPrefix+"mylayer" {
		t.Errorf("GetLayerVersionByArn: %+v %v", byArn, err)
	}

	list, err := c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("mylayer")})
	if err != nil || !equal(versions(list.LayerVersions), []int64{2, 1}) || list.NextMarker != nil {
		t.Fatalf("ListLayerVersions: %+v %v", list, err)
	}
	if it := list.LayerVersions[1]; aws.ToString(it.LayerVersionArn) != layerPrefix+"mylayer:1" || aws.ToString(it.Description) != "first" ||
		aws.ToString(it.LicenseInfo) != "MIT" || aws.ToString(it.CreatedDate) != aws.ToString(v1.CreatedDate) || len(it.CompatibleArchitectures) != 1 {
		t.Errorf("list item %+v", it)
	}
	layers, err := c.ListLayers(ctx, &lambda.ListLayersInput{})
	if err != nil || len(layers.Layers) != 1 || aws.ToString(layers.Layers[0].LayerName) != "mylayer" ||
		aws.ToString(layers.Layers[0].LayerArn) != layerPrefix+"mylayer" || layers.Layers[0].LatestMatchingVersion.Version != 2 {
		t.Fatalf("ListLayers: %+v %v", layers, err)
	}

	// Deleting is idempotent and hides the version; numbers are not reused.
	for _, in := range []*lambda.DeleteLayerVersionInput{
		{LayerName: aws.String("mylayer"), VersionNumber: aws.Int64(2)},
		{LayerName: aws.String("mylayer"), VersionNumber: aws.Int64(2)},
		{LayerName: aws.String("mylayer"), VersionNumber: aws.Int64(9)},
		{LayerName: aws.String("nosuchlayer"), VersionNumber: aws.Int64(1)},
	} {
		if _, err := c.DeleteLayerVersion(ctx, in); err != nil {
			t.Errorf("DeleteLayerVersion %s:%d: %v", aws.ToString(in.LayerName), aws.ToInt64(in.VersionNumber), err)
		}
	}
	_, err = c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("mylayer"), VersionNumber: aws.Int64(2)})
	wantErr(t, "get deleted", err, "ResourceNotFoundException", "The resource you requested does not exist.", true)
	_, err = c.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(layerPrefix + "mylayer:2")})
	wantErr(t, "get deleted by arn", err, "ResourceNotFoundException", "The resource you requested does not exist.", true)
	list, _ = c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String(layerPrefix + "mylayer")})
	if !equal(versions(list.LayerVersions), []int64{1}) {
		t.Errorf("after delete: %v", versions(list.LayerVersions))
	}
	layers, _ = c.ListLayers(ctx, &lambda.ListLayersInput{})
	if len(layers.Layers) != 1 || layers.Layers[0].LatestMatchingVersion.Version != 1 {
		t.Errorf("ListLayers after delete: %+v", layers.Layers)
	}
	c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String(layerPrefix + "mylayer"), VersionNumber: aws.Int64(1)})
	layers, _ = c.ListLayers(ctx, &lambda.ListLayersInput{})
	list, _ = c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("mylayer")})
	if len(layers.Layers) != 0 || len(list.LayerVersions) != 0 {
		t.Errorf("all deleted: layers %+v versions %+v", layers.Layers, list.LayerVersions)
	}
	if v3 := publishLayer(t, c, "mylayer", pkg); v3.Version != 3 || aws.ToString(v3.LayerVersionArn) != layerPrefix+"mylayer:3" {
		t.Errorf("publish after deleting all: version %d", v3.Version)
	}

	// Layers survive a restart.
	h.Restart(t)
	c = h.Lambda()
	got, err := c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("mylayer"), VersionNumber: aws.Int64(3)})
	if err != nil || aws.ToString(got.Content.CodeSha256) != aws.ToString(v1.Content.CodeSha256) {
		t.Errorf("after restart: %+v %v", got, err)
	}
	if v4 := publishLayer(t, c, "mylayer", pkg); v4.Version != 4 {
		t.Errorf("publish after restart: version %d", v4.Version)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLayerErrors(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	pkg := dataZip(t, map[string]string{"f.txt": "x"})
	pub := publishLayer(t, c, "errlayer", pkg)

	for _, v := range []int64{0, -1} {
		_, err := c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("errlayer"), VersionNumber: aws.Int64(v)})
		wantErr(t, "get version "+strconv.FormatInt(v, 10), err, "InvalidParameterValueException", "Layer Version Cannot be less than 1", true)
		_, err = c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("errlayer"), VersionNumber: aws.Int64(v)})
		wantErr(t, "delete version "+strconv.FormatInt(v, 10), err, "InvalidParameterValueException", "Layer Version Cannot be less than 1", true)
	}
	_, err := c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("nosuchlayer"), VersionNumber: aws.Int64(1)})
	wantErr(t, "get missing layer", err, "ResourceNotFoundException", "The resource you requested does not exist.", true)
	_, err = c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("errlayer"), VersionNumber: aws.Int64(2)})
	wantErr(t, "get missing version", err, "ResourceNotFoundException", "The resource you requested does not exist.", true)
	_, err = c.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: pub.LayerArn})
	wantErr(t, "get by unversioned arn", err, "ValidationException", "at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern", false)
	_, err = c.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(layerPrefix + "errlayer:7")})
	wantErr(t, "get by arn, missing version", err, "ResourceNotFoundException", "The resource you requested does not exist.", true)

	list, err := c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("nosuchlayer")})
	if err != nil || len(list.LayerVersions) != 0 {
		t.Errorf("list missing layer: %+v %v", list, err)
	}

	namePattern := `Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`
	for _, name := range []string{"bad!name", "arn:aws:lambda:us-east-1:000000000000:layer:errlayer:1", "arn:aws:lambda:us-east-1:000000000000:function:f"} {
		_, err := c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String(name), Content: &types.LayerVersionContentInput{ZipFile: pkg}})
		wantErr(t, "publish name "+name, err, "ValidationException", "1 validation error detected: Value '"+name+"' at 'layerName' failed to satisfy constraint: "+namePattern, true)
		_, err = c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String(name), VersionNumber: aws.Int64(1)})
		wantErr(t, "get name "+name, err, "ValidationException", "at 'layerName' failed to satisfy constraint", false)
	}
	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String(strings.Repeat("a", 141)), Content: &types.LayerVersionContentInput{ZipFile: pkg}})
	wantErr(t, "long name", err, "ValidationException", "at 'layerName' failed to satisfy constraint: Member must have length", false)
	if out := publishLayer(t, c, strings.Repeat("a", 140), pkg); out.Version != 1 {
		t.Errorf("140-character name: %+v", out)
	}

	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("l2"), Content: &types.LayerVersionContentInput{ZipFile: pkg},
		CompatibleRuntimes: []types.Runtime{"invalidruntime"}, CompatibleArchitectures: []types.Architecture{"invalidarch"}})
	wantErr(t, "invalid runtime and arch", err, "ValidationException",
		"2 validation errors detected: Value '[invalidruntime]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: [", false)
	wantErr(t, "invalid runtime and arch", err, "ValidationException",
		"; Value '[invalidarch]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]", false)
	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("l2"), Content: &types.LayerVersionContentInput{ZipFile: pkg},
		CompatibleArchitectures: []types.Architecture{"invalidarch", types.ArchitectureX8664}})
	wantErr(t, "invalid arch", err, "ValidationException",
		"1 validation error detected: Value '[invalidarch, x86_64]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]", true)
	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("l2"), Content: &types.LayerVersionContentInput{ZipFile: pkg},
		CompatibleRuntimes: []types.Runtime{"invalidruntime", types.RuntimeNodejs20x}})
	wantErr(t, "invalid runtime", err, "ValidationException", "1 validation error detected: Value '[invalidruntime, nodejs20.x]' at 'compatibleRuntimes'", false)
	// Deprecated runtimes are still accepted for layers.
	publishLayer(t, c, "l2", pkg, func(in *lambda.PublishLayerVersionInput) {
		in.CompatibleRuntimes = []types.Runtime{types.RuntimeGo1x, types.RuntimeProvided, types.RuntimePython27}
	})

	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("l3"), Content: &types.LayerVersionContentInput{ZipFile: []byte("not a zip")}})
	wantErr(t, "bad zip", err, "InvalidParameterValueException", "Could not unzip uploaded file. Please check your file, then try to upload again.", true)
	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("l3"), Content: &types.LayerVersionContentInput{ZipFile: lambdatest.Zip(t, nil)}})
	wantErr(t, "empty zip", err, "InvalidParameterValueException", "Uploaded file must be a non-empty zip", true)
	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("l3"), Content: &types.LayerVersionContentInput{}})
	wantErr(t, "no content", err, "InvalidParameterValueException", "Please provide a source for function code.", true)
	_, err = c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("l3"),
		Content: &types.LayerVersionContentInput{S3Bucket: aws.String("nobucket"), S3Key: aws.String("layer.zip")}})
	wantErr(t, "missing bucket", err, "InvalidParameterValueException", "Error occurred while GetObject. S3 Error Code: NoSuchBucket.", false)
	// A failed publish takes no version number.
	if out := publishLayer(t, c, "l3", pkg); out.Version != 1 {
		t.Errorf("first good publish after failures: version %d", out.Version)
	}

	_, err = c.ListLayers(ctx, &lambda.ListLayersInput{CompatibleRuntime: "runtimedoesnotexist"})
	wantErr(t, "list bad runtime", err, "ValidationException", "Value 'runtimedoesnotexist' at 'compatibleRuntime' failed to satisfy constraint: Member must satisfy enum value set", false)
	_, err = c.ListLayers(ctx, &lambda.ListLayersInput{CompatibleArchitecture: "archdoesnotexist"})
	wantErr(t, "list bad arch", err, "ValidationException", "Value 'archdoesnotexist' at 'compatibleArchitecture' failed to satisfy constraint: Member must satisfy enum value set", false)
	_, err = c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("errlayer"), CompatibleRuntime: "runtimedoesnotexist"})
	wantErr(t, "list versions bad runtime", err, "ValidationException", "at 'compatibleRuntime' failed to satisfy constraint", false)
}

func TestLayerListFiltersAndPages(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	pkg := dataZip(t, map[string]string{"f.txt": "x"})
	compat := func(rt types.Runtime, arch types.Architecture) func(*lambda.PublishLayerVersionInput) {
		return func(in *lambda.PublishLayerVersionInput) {
			in.CompatibleRuntimes = []types.Runtime{rt}
			in.CompatibleArchitectures = []types.Architecture{arch}
		}
	}
	publishLayer(t, c, "alpha", pkg, compat(types.RuntimePython312, types.ArchitectureX8664))
	publishLayer(t, c, "alpha", pkg, compat(types.RuntimeNodejs20x, types.ArchitectureArm64))
	publishLayer(t, c, "alpha", pkg, compat(types.RuntimePython312, types.ArchitectureArm64))
	publishLayer(t, c, "beta", pkg, compat(types.RuntimePython312, types.ArchitectureX8664))
	publishLayer(t, c, "gamma", pkg)
	c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("alpha"), VersionNumber: aws.Int64(3)})

	latest := func(in *lambda.ListLayersInput) string {
		t.Helper()
		out, err := c.ListLayers(ctx, in)
		if err != nil {
			t.Fatalf("ListLayers: %v", err)
		}
		var parts []string
		for _, l := range out.Layers {
			parts = append(parts, aws.ToString(l.LayerName)+":"+strconv.FormatInt(l.LatestMatchingVersion.Version, 10))
		}
		return strings.Join(parts, ",")
	}
	for _, tc := range []struct {
		in   lambda.ListLayersInput
		want string
	}{
		{lambda.ListLayersInput{}, "alpha:2,beta:1,gamma:1"},
		{lambda.ListLayersInput{CompatibleRuntime: types.RuntimePython312}, "alpha:1,beta:1"},
		{lambda.ListLayersInput{CompatibleArchitecture: types.ArchitectureArm64}, "alpha:2"},
		{lambda.ListLayersInput{CompatibleRuntime: types.RuntimePython312, CompatibleArchitecture: types.ArchitectureX8664}, "alpha:1,beta:1"},
		{lambda.ListLayersInput{CompatibleRuntime: types.RuntimeJava21}, ""},
	} {
		if got := latest(&tc.in); got != tc.want {
			t.Errorf("ListLayers(%s/%s) = %q, want %q", tc.in.CompatibleRuntime, tc.in.CompatibleArchitecture, got, tc.want)
		}
	}

	var names []string
	pages := 0
	for p := lambda.NewListLayersPaginator(c, &lambda.ListLayersInput{MaxItems: aws.Int32(2)}); p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range out.Layers {
			names = append(names, aws.ToString(l.LayerName))
		}
	}
	if strings.Join(names, ",") != "alpha,beta,gamma" || pages != 2 {
		t.Errorf("ListLayers pages: %v in %d pages", names, pages)
	}

	for i := 0; i < 4; i++ {
		publishLayer(t, c, "paged", pkg)
	}
	c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("paged"), VersionNumber: aws.Int64(3)})
	var got []int64
	pages = 0
	for p := lambda.NewListLayerVersionsPaginator(c, &lambda.ListLayerVersionsInput{LayerName: aws.String("paged"), MaxItems: aws.Int32(1)}); p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, versions(out.LayerVersions)...)
	}
	if !equal(got, []int64{4, 2, 1}) || pages != 3 {
		t.Errorf("ListLayerVersions pages: %v in %d pages", got, pages)
	}
	out, err := c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("alpha"), CompatibleArchitecture: types.ArchitectureArm64})
	if err != nil || !equal(versions(out.LayerVersions), []int64{2}) {
		t.Errorf("ListLayerVersions arm64: %+v %v", out, err)
	}
	out, err = c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("alpha"), CompatibleRuntime: types.RuntimePython312})
	if err != nil || !equal(versions(out.LayerVersions), []int64{1}) {
		t.Errorf("ListLayerVersions python3.12: %+v %v", out, err)
	}
}

func TestLayerConcurrentPublish(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	pkg := dataZip(t, map[string]string{"f.txt": "x"})
	const n = 12
	var wg sync.WaitGroup
	got := make([]int64, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out, err := c.PublishLayerVersion(context.Background(), &lambda.PublishLayerVersionInput{LayerName: aws.String("busy"), Content: &types.LayerVersionContentInput{ZipFile: pkg}})
			if err != nil {
				t.Errorf("publish: %v", err)
				return
			}
			got[i] = out.Version
		}(i)
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, v := range got {
		if v < 1 || v > n || seen[v] {
			t.Fatalf("versions %v are not 1..%d once each", got, n)
		}
		seen[v] = true
	}
}

func TestLayerPermissions(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	pkg := dataZip(t, map[string]string{"f.txt": "x"})
	publishLayer(t, c, "shared", pkg)
	arn1 := layerPrefix + "shared:1"

	_, err := c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	wantErr(t, "no policy", err, "ResourceNotFoundException", "No policy is associated with the given resource.", true)

	add := func(sid, principal string, mut ...func(*lambda.AddLayerVersionPermissionInput)) (*lambda.AddLayerVersionPermissionOutput, error) {
		in := &lambda.AddLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String(sid),
			Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String(principal)}
		for _, m := range mut {
			m(in)
		}
		return c.AddLayerVersionPermission(ctx, in)
	}
	s1, err := add("s1", "*")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Sid":"s1","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"` + arn1 + `"}`; aws.ToString(s1.Statement) != want {
		t.Errorf("statement\n got %s\nwant %s", aws.ToString(s1.Statement), want)
	}
	pol, err := c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String(layerPrefix + "shared"), VersionNumber: aws.Int64(1)})
	if err != nil || aws.ToString(pol.RevisionId) == "" || aws.ToString(pol.RevisionId) != aws.ToString(s1.RevisionId) ||
		aws.ToString(pol.Policy) != `{"Version":"2012-10-17","Id":"default","Statement":[`+aws.ToString(s1.Statement)+`]}` {
		t.Fatalf("policy %v %v (add revision %v)", aws.ToString(pol.Policy), err, aws.ToString(s1.RevisionId))
	}

	_, err = add("s1", "*")
	wantErr(t, "duplicate sid", err, "ResourceConflictException", "The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.", true)
	_, err = add("s2", "*", func(in *lambda.AddLayerVersionPermissionInput) { in.RevisionId = aws.String("wrong") })
	wantErr(t, "wrong revision", err, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id", true)
	_, err = add("s2", "*", func(in *lambda.AddLayerVersionPermissionInput) { in.Action = aws.String("*") })
	wantErr(t, "bad action", err, "ValidationException", "at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern", false)
	for _, p := range []string{"someone", "1234567890123"} {
		_, err = add("s2", p)
		wantErr(t, "bad principal "+p, err, "ValidationException", "Value '"+p+"' at 'principal' failed to satisfy constraint", false)
	}

	s2, err := add("s2", "111122223333", func(in *lambda.AddLayerVersionPermissionInput) { in.RevisionId = s1.RevisionId })
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Sid":"s2","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:GetLayerVersion","Resource":"` + arn1 + `"}`; aws.ToString(s2.Statement) != want {
		t.Errorf("account statement\n got %s\nwant %s", aws.ToString(s2.Statement), want)
	}
	if aws.ToString(s2.RevisionId) == aws.ToString(s1.RevisionId) {
		t.Error("revision id did not change")
	}
	s3, err := add("org", "*", func(in *lambda.AddLayerVersionPermissionInput) { in.OrganizationId = aws.String("o-abcdefghij") })
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"` + arn1 + `","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}`; aws.ToString(s3.Statement) != want {
		t.Errorf("org statement\n got %s\nwant %s", aws.ToString(s3.Statement), want)
	}
	s4, err := add("root", "arn:aws:iam::444455556666:root")
	if err != nil || !strings.Contains(aws.ToString(s4.Statement), `"Principal":{"AWS":"arn:aws:iam::444455556666:root"}`) {
		t.Errorf("root arn principal: %v %v", aws.ToString(s4.Statement), err)
	}

	// Missing layers and versions.
	missing := []struct {
		name string
		v    int64
		arn  string
	}{{"shared-doesnotexist", 1, layerPrefix + "shared-doesnotexist:1"}, {"shared", 2, layerPrefix + "shared:2"}}
	for _, m := range missing {
		msg := "Layer version " + m.arn + " does not exist."
		_, err = c.AddLayerVersionPermission(ctx, &lambda.AddLayerVersionPermissionInput{LayerName: aws.String(m.name), VersionNumber: aws.Int64(m.v),
			StatementId: aws.String("x"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*")})
		wantErr(t, "add "+m.arn, err, "ResourceNotFoundException", msg, true)
		_, err = c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String(m.name), VersionNumber: aws.Int64(m.v)})
		wantErr(t, "get "+m.arn, err, "ResourceNotFoundException", msg, true)
		_, err = c.RemoveLayerVersionPermission(ctx, &lambda.RemoveLayerVersionPermissionInput{LayerName: aws.String(m.name), VersionNumber: aws.Int64(m.v), StatementId: aws.String("s1")})
		wantErr(t, "remove "+m.arn, err, "ResourceNotFoundException", msg, true)
	}

	_, err = c.RemoveLayerVersionPermission(ctx, &lambda.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String("doesnotexist")})
	wantErr(t, "remove missing sid", err, "ResourceNotFoundException", "Statement doesnotexist is not found in resource policy.", true)
	_, err = c.RemoveLayerVersionPermission(ctx, &lambda.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String("s2"), RevisionId: aws.String("wrong")})
	wantErr(t, "remove wrong revision", err, "PreconditionFailedException", "Call the GetLayerPolicy API to retrieve the latest Revision Id", false)
	before, _ := c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	if _, err := c.RemoveLayerVersionPermission(ctx, &lambda.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1),
		StatementId: aws.String("s2"), RevisionId: before.RevisionId}); err != nil {
		t.Fatal(err)
	}
	after, err := c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	if err != nil || strings.Contains(aws.ToString(after.Policy), `"s2"`) || !strings.Contains(aws.ToString(after.Policy), `"s1"`) ||
		aws.ToString(after.RevisionId) == aws.ToString(before.RevisionId) {
		t.Errorf("after remove: %v %v", aws.ToString(after.Policy), err)
	}
	var doc struct {
		Statement []struct{ Sid string }
	}
	json.Unmarshal([]byte(aws.ToString(after.Policy)), &doc)
	if len(doc.Statement) != 3 || doc.Statement[0].Sid != "s1" || doc.Statement[1].Sid != "org" || doc.Statement[2].Sid != "root" {
		t.Errorf("statements in order: %+v", doc.Statement)
	}
	for _, sid := range []string{"s1", "org", "root"} {
		if _, err := c.RemoveLayerVersionPermission(ctx, &lambda.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String(sid)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	wantErr(t, "emptied policy", err, "ResourceNotFoundException", "No policy is associated with the given resource.", true)

	// A deleted version has no policy to manage.
	c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	_, err = add("s9", "*")
	wantErr(t, "add on deleted", err, "ResourceNotFoundException", "Layer version "+arn1+" does not exist.", true)
}

func TestLayerFunctionConfiguration(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	pkg := dataZip(t, map[string]string{"f.txt": "x"})
	a1 := publishLayer(t, c, "la", pkg)
	a2 := publishLayer(t, c, "la", pkg)
	b1 := publishLayer(t, c, "lb", dataZip(t, map[string]string{"g.txt": "yy"}))

	fn := createWithLayers(t, c, "withlayers", pkg, aws.ToString(a1.LayerVersionArn), aws.ToString(b1.LayerVersionArn))
	if len(fn.Layers) != 2 || aws.ToString(fn.Layers[0].Arn) != aws.ToString(a1.LayerVersionArn) || fn.Layers[0].CodeSize != a1.Content.CodeSize ||
		aws.ToString(fn.Layers[1].Arn) != aws.ToString(b1.LayerVersionArn) || fn.Layers[1].CodeSize != b1.Content.CodeSize {
		t.Fatalf("create layers %+v", fn.Layers)
	}
	cfg, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("withlayers"), Layers: []string{aws.ToString(a2.LayerVersionArn)}})
	if err != nil || len(cfg.Layers) != 1 || aws.ToString(cfg.Layers[0].Arn) != layerPrefix+"la:2" {
		t.Fatalf("update layers %+v %v", cfg, err)
	}
	got, _ := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("withlayers")})
	if len(got.Layers) != 1 || aws.ToString(got.Layers[0].Arn) != layerPrefix+"la:2" {
		t.Errorf("get layers %+v", got.Layers)
	}
	// Deleting a version leaves the functions that use it alone.
	c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("la"), VersionNumber: aws.Int64(2)})
	got, _ = c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("withlayers")})
	if len(got.Layers) != 1 || aws.ToString(got.Layers[0].Arn) != layerPrefix+"la:2" {
		t.Errorf("layers after deleting the version %+v", got.Layers)
	}
	cfg, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("withlayers"), Layers: []string{}})
	if err != nil || len(cfg.Layers) != 0 {
		t.Errorf("remove layers %+v %v", cfg, err)
	}

	six := []string{}
	for i := 0; i < 6; i++ {
		six = append(six, aws.ToString(publishLayer(t, c, "six"+strconv.Itoa(i), pkg).LayerVersionArn))
	}
	la3 := aws.ToString(publishLayer(t, c, "la", pkg).LayerVersionArn)
	la1, la2, lb := aws.ToString(a1.LayerVersionArn), layerPrefix+"la:2", aws.ToString(b1.LayerVersionArn)
	layersPattern := `Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`
	cases := []struct {
		name   string
		layers []string
		code   string
		msg    string
	}{
		{"six layers", six, "InvalidParameterValueException", "Cannot reference more than 5 layers."},
		{"missing layer", []string{layerPrefix + "doesnotexist:1"}, "InvalidParameterValueException", "Layer version " + layerPrefix + "doesnotexist:1 does not exist."},
		{"missing version", []string{layerPrefix + "la:9"}, "InvalidParameterValueException", "Layer version " + layerPrefix + "la:9 does not exist."},
		{"deleted version", []string{la2}, "InvalidParameterValueException", "Layer version " + la2 + " does not exist."},
		{"two versions", []string{lb, la1, la3, layerPrefix + "lb:1"}, "InvalidParameterValueException",
			"Two different versions of the same layer are not allowed to be referenced in the same function. " + la1 + " and " + la3 + " are versions of the same layer."},
		{"same version twice", []string{lb, lb}, "InvalidParameterValueException",
			"Two different versions of the same layer are not allowed to be referenced in the same function. " + lb + " and " + lb + " are versions of the same layer."},
		{"no version", []string{layerPrefix + "la"}, "ValidationException",
			"1 validation error detected: Value '[" + layerPrefix + "la]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, " + layersPattern + ", Member must not be null]"},
		{"other region", []string{"arn:aws:lambda:eu-west-1:000000000000:layer:la:1"}, "InvalidParameterValueException",
			"Layers are not in the same region as the function. Layers are expected to be in region us-east-1."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("withlayers"), Layers: tc.layers})
			wantErr(t, "update", err, tc.code, tc.msg, true)
			_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("nolayers"), Runtime: types.RuntimeProvidedal2023,
				Handler: aws.String("bootstrap"), Role: aws.String(role), Code: &types.FunctionCode{ZipFile: pkg}, Layers: tc.layers})
			wantErr(t, "create", err, tc.code, tc.msg, true)
		})
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("nolayers")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("a create with bad layers left a function: %v", err)
	}
	if five := createWithLayers(t, c, "fivelayers", pkg, six[:5]...); len(five.Layers) != 5 {
		t.Errorf("five layers: %+v", five.Layers)
	}
}

// createWithLayers creates a function that is not meant to run.
func createWithLayers(t *testing.T, c *lambda.Client, name string, code []byte, layers ...string) *lambda.CreateFunctionOutput {
	t.Helper()
	out, err := c.CreateFunction(context.Background(), &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String(role), Code: &types.FunctionCode{ZipFile: code}, Layers: layers})
	if err != nil {
		t.Fatalf("CreateFunction %s: %v", name, err)
	}
	return out
}

// invokeJSON invokes a function and decodes its JSON result.
func invokeJSON(t *testing.T, c *lambda.Client, name, payload string, v any) {
	t.Helper()
	res, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(payload)})
	if err != nil {
		t.Fatalf("invoke %s: %v", name, err)
	}
	if res.FunctionError != nil {
		t.Fatalf("invoke %s: function error %s", name, res.Payload)
	}
	if err := json.Unmarshal(res.Payload, v); err != nil {
		t.Fatalf("invoke %s: payload %s", name, res.Payload)
	}
}

func TestLayerBootstrapRunsFromOpt(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	runtimeLayer := publishLayer(t, c, "goruntime", bootstrapZip(t), func(in *lambda.PublishLayerVersionInput) {
		in.CompatibleRuntimes = []types.Runtime{types.RuntimeProvidedal2023}
	})
	createGo(t, c, "fromlayer", func(in *lambda.CreateFunctionInput) {
		in.Code = &types.FunctionCode{ZipFile: dataZip(t, map[string]string{"README.txt": "the bootstrap is in a layer"})}
		in.Layers = []string{aws.ToString(runtimeLayer.LayerVersionArn)}
	})
	var echo string
	invokeJSON(t, c, "fromlayer", `{"echo":"from the layer"}`, &echo)
	if echo != "from the layer" {
		t.Fatalf("echo %q", echo)
	}

	// A deleted version still runs the functions that reference it, even
	// when its files must be unpacked again.
	if _, err := c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("goruntime"), VersionNumber: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	optDirs, _ := filepath.Glob(filepath.Join(h.DataDir, "lambda", "opt", "*"))
	for _, d := range optDirs {
		os.RemoveAll(d)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("fromlayer"),
		Environment: &types.Environment{Variables: map[string]string{"AFTER": "delete"}}}); err != nil {
		t.Fatal(err)
	}
	var env map[string]string
	invokeJSON(t, c, "fromlayer", `{"env":"AFTER"}`, &env)
	if env["AFTER"] != "delete" {
		t.Errorf("after deleting the layer version: %v", env)
	}
}

func TestLayerFilesInOptDir(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	first := publishLayer(t, c, "data1", dataZip(t, map[string]string{"data/hello.txt": "from the first layer", "data/only1.txt": "one"}))
	second := publishLayer(t, c, "data2", dataZip(t, map[string]string{"data/hello.txt": "from the second layer"}))
	createGo(t, c, "readsopt", func(in *lambda.CreateFunctionInput) {
		in.Code = &types.FunctionCode{ZipFile: bootstrapZip(t)}
		in.Layers = []string{aws.ToString(first.LayerVersionArn), aws.ToString(second.LayerVersionArn)}
	})
	var env map[string]string
	invokeJSON(t, c, "readsopt", `{"env":"HAKO_OPT_DIR"}`, &env)
	opt := env["HAKO_OPT_DIR"]
	if opt == "" {
		t.Fatalf("no HAKO_OPT_DIR: %v", env)
	}
	// Layers are extracted in order: the later one wins.
	if b, err := os.ReadFile(filepath.Join(opt, "data", "hello.txt")); err != nil || string(b) != "from the second layer" {
		t.Errorf("hello.txt: %q %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(opt, "data", "only1.txt")); err != nil || string(b) != "one" {
		t.Errorf("only1.txt: %q %v", b, err)
	}
}

func TestLayerCrossAccount(t *testing.T) {
	h := hakotest.Start(t)
	owner := h.Lambda()
	other := h.Lambda(func(o *lambda.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("111122223333", "secret", "")
	})
	ctx := context.Background()
	pkg := dataZip(t, map[string]string{"f.txt": "x"})
	pub := publishLayer(t, owner, "private", pkg)
	arn := aws.ToString(pub.LayerVersionArn)

	denied := "User: arn:aws:iam::111122223333:root is not authorized to perform: lambda:GetLayerVersion on resource: " + arn +
		" because no resource-based policy allows the lambda:GetLayerVersion action"
	_, err := other.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(arn)})
	wantErr(t, "get unshared", err, "AccessDeniedException", denied, true)
	_, err = other.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("borrower"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String(role), Code: &types.FunctionCode{ZipFile: pkg}, Layers: []string{arn}})
	wantErr(t, "use unshared", err, "AccessDeniedException", denied, true)
	// The other account's own namespace has no such layer.
	_, err = other.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("private"), VersionNumber: aws.Int64(1)})
	wantErr(t, "own namespace", err, "ResourceNotFoundException", "The resource you requested does not exist.", true)

	if _, err := owner.AddLayerVersionPermission(ctx, &lambda.AddLayerVersionPermissionInput{LayerName: aws.String("private"), VersionNumber: aws.Int64(1),
		StatementId: aws.String("org-only"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*"), OrganizationId: aws.String("o-abcdefghij")}); err != nil {
		t.Fatal(err)
	}
	_, err = other.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(arn)})
	wantErr(t, "organization grant", err, "AccessDeniedException", denied, true)

	if _, err := owner.AddLayerVersionPermission(ctx, &lambda.AddLayerVersionPermissionInput{LayerName: aws.String("private"), VersionNumber: aws.Int64(1),
		StatementId: aws.String("friend"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("111122223333")}); err != nil {
		t.Fatal(err)
	}
	got, err := other.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String(layerPrefix + "private"), VersionNumber: aws.Int64(1)})
	if err != nil || aws.ToString(got.LayerVersionArn) != arn {
		t.Fatalf("get shared: %+v %v", got, err)
	}
	fn, err := other.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("borrower"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String(role), Code: &types.FunctionCode{ZipFile: pkg}, Layers: []string{arn}})
	if err != nil || len(fn.Layers) != 1 || aws.ToString(fn.Layers[0].Arn) != arn {
		t.Fatalf("use shared: %+v %v", fn, err)
	}

	// Sharing is for use only: the owner alone manages the layer.
	for what, call := range map[string]func() error{
		"PublishLayerVersion": func() error {
			_, err := other.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String(layerPrefix + "private"), Content: &types.LayerVersionContentInput{ZipFile: pkg}})
			return err
		},
		"DeleteLayerVersion": func() error {
			_, err := other.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String(layerPrefix + "private"), VersionNumber: aws.Int64(1)})
			return err
		},
		"ListLayerVersions": func() error {
			_, err := other.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String(layerPrefix + "private")})
			return err
		},
		"GetLayerVersionPolicy": func() error {
			_, err := other.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String(layerPrefix + "private"), VersionNumber: aws.Int64(1)})
			return err
		},
		"AddLayerVersionPermission": func() error {
			_, err := other.AddLayerVersionPermission(ctx, &lambda.AddLayerVersionPermissionInput{LayerName: aws.String(layerPrefix + "private"), VersionNumber: aws.Int64(1),
				StatementId: aws.String("me"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*")})
			return err
		},
		"RemoveLayerVersionPermission": func() error {
			_, err := other.RemoveLayerVersionPermission(ctx, &lambda.RemoveLayerVersionPermissionInput{LayerName: aws.String(layerPrefix + "private"), VersionNumber: aws.Int64(1), StatementId: aws.String("friend")})
			return err
		},
	} {
		wantErr(t, what, call(), "AccessDeniedException", "is not authorized to perform: lambda:"+what+" on resource: "+layerPrefix+"private", false)
	}
	if list, _ := other.ListLayers(ctx, &lambda.ListLayersInput{}); len(list.Layers) != 0 {
		t.Errorf("ListLayers shows another account's layers: %+v", list.Layers)
	}
}

// objects is an S3 stand-in for publishing layers from a bucket.
type objects map[string][]byte

func (o objects) GetObjectBytes(ctx context.Context, bucket, key, version string, limit int64) ([]byte, error) {
	b, ok := o[bucket+"/"+key]
	if !ok {
		return nil, errors.New("S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")
	}
	return b, nil
}

func TestLayerFromS3(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pkg := dataZip(t, map[string]string{"f.txt": "from s3"})
	svc, err := hlambda.New(ctx, hlambda.Config{Store: st, DataDir: dir, Objects: objects{"bucket/layer.zip": pkg}})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx = reqinfo.With(ctx, &reqinfo.Info{Account: "000000000000", Region: "us-east-1", RequestID: "r"})
	out, err := svc.PublishLayerVersion(ctx, &lambdaapi.PublishLayerVersionRequest{LayerName: aws.String("s3layer"),
		Content: &lambdaapi.LayerVersionContentInput{S3Bucket: aws.String("bucket"), S3Key: aws.String("layer.zip")}})
	sum := sha256.Sum256(pkg)
	if err != nil || aws.ToInt64(out.Version) != 1 || aws.ToString(out.Content.CodeSha256) != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("publish from S3: %+v %v", out, err)
	}
	_, err = svc.PublishLayerVersion(ctx, &lambdaapi.PublishLayerVersionRequest{LayerName: aws.String("s3layer"),
		Content: &lambdaapi.LayerVersionContentInput{S3Bucket: aws.String("bucket"), S3Key: aws.String("nope.zip")}})
	if err == nil || !strings.Contains(err.Error(), "InvalidParameterValueException: Error occurred while GetObject. S3 Error Code: NoSuchKey.") {
		t.Errorf("missing key: %v", err)
	}
}
