package dynamodb_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestCreateDescribeListDeleteTable(t *testing.T) {
	e := newEnv(t)
	out, err := e.c.CreateTable(e.ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("orders"),
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("status"), AttributeType: types.ScalarAttributeTypeS},
		},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:             aws.String("by-status"),
			KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("status"), KeyType: types.KeyTypeHash}},
			Projection:            &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)},
		}},
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
		Tags:                []types.Tag{{Key: aws.String("team"), Value: aws.String("shop")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := out.TableDescription
	if d.TableStatus != types.TableStatusCreating || aws.ToString(d.TableArn) != "arn:aws:dynamodb:us-east-1:000000000000:table/orders" || d.LatestStreamArn == nil {
		t.Fatalf("create: %+v", d)
	}
	if err := dynamodb.NewTableExistsWaiter(e.c).Wait(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")}, 5e9); err != nil {
		t.Fatal(err)
	}
	e.put("orders", map[string]types.AttributeValue{"pk": s("a"), "sk": n("1"), "status": s("NEW")})
	desc, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if desc.Table.TableStatus != types.TableStatusActive || aws.ToInt64(desc.Table.ItemCount) != 1 || len(desc.Table.GlobalSecondaryIndexes) != 1 ||
		aws.ToInt64(desc.Table.GlobalSecondaryIndexes[0].ItemCount) != 1 || aws.ToInt64(desc.Table.ProvisionedThroughput.ReadCapacityUnits) != 5 {
		t.Fatalf("describe: %+v", desc.Table)
	}
	_, err = e.c.CreateTable(e.ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("orders"), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
	})
	wantErr(t, err, "ResourceInUseException", "Table already exists: orders")

	for _, name := range []string{"bb1", "bb2", "bb3"} {
		e.createTable(name, "", "")
	}
	l, err := e.c.ListTables(e.ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(2)})
	if err != nil || len(l.TableNames) != 2 || l.TableNames[0] != "bb1" || aws.ToString(l.LastEvaluatedTableName) != "bb2" {
		t.Fatalf("list: %+v %v", l, err)
	}
	l, err = e.c.ListTables(e.ctx, &dynamodb.ListTablesInput{ExclusiveStartTableName: l.LastEvaluatedTableName})
	if err != nil || len(l.TableNames) != 2 || l.TableNames[1] != "orders" || l.LastEvaluatedTableName != nil {
		t.Fatalf("list page 2: %+v %v", l, err)
	}
	tags, err := e.c.ListTagsOfResource(e.ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: d.TableArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "shop" {
		t.Fatalf("tags: %+v %v", tags, err)
	}
	del, err := e.c.DeleteTable(e.ctx, &dynamodb.DeleteTableInput{TableName: aws.String("orders")})
	if err != nil || del.TableDescription.TableStatus != types.TableStatusDeleting {
		t.Fatalf("delete: %+v %v", del, err)
	}
	_, err = e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: orders not found")
	_, err = e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
}

func TestCreateTableErrors(t *testing.T) {
	e := newEnv(t)
	base := func() *dynamodb.CreateTableInput {
		return &dynamodb.CreateTableInput{
			TableName: aws.String("tbl"), BillingMode: types.BillingModePayPerRequest,
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		}
	}
	cases := []struct {
		name string
		mod  func(*dynamodb.CreateTableInput)
		msg  string
	}{
		{"range first", func(in *dynamodb.CreateTableInput) { in.KeySchema[0].KeyType = types.KeyTypeRange }, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"undefined key", func(in *dynamodb.CreateTableInput) { in.AttributeDefinitions[0].AttributeName = aws.String("x") },
			"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [x]"},
		{"unused definition", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("y"), AttributeType: types.ScalarAttributeTypeS})
		}, "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{"provisioned without throughput", func(in *dynamodb.CreateTableInput) { in.BillingMode = types.BillingModeProvisioned },
			"One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"on demand with throughput", func(in *dynamodb.CreateTableInput) {
			in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
		}, "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"lsi without range", func(in *dynamodb.CreateTableInput) {
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("lsi"), KeySchema: in.KeySchema, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
		}, "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			c.mod(in)
			_, err := e.c.CreateTable(e.ctx, in)
			wantErr(t, err, "ValidationException", c.msg)
		})
	}
	in := base()
	in.TableName = aws.String("a")
	_, err := e.c.CreateTable(e.ctx, in)
	wantErr(t, err, "ValidationException", "1 validation error detected: Value 'a' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")
}

func TestUpdateTableAddsBackfilledIndexAndStream(t *testing.T) {
	e := newEnv(t)
	e.createTable("users", "", "")
	e.put("users", map[string]types.AttributeValue{"pk": s("u1"), "email": s("a@x")})
	e.put("users", map[string]types.AttributeValue{"pk": s("u2"), "email": s("b@x")})
	e.put("users", map[string]types.AttributeValue{"pk": s("u3")})
	out, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{
		TableName:            aws.String("users"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("email"), AttributeType: types.ScalarAttributeTypeS}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName:  aws.String("by-email"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("email"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}},
	})
	if err != nil || out.TableDescription.GlobalSecondaryIndexes[0].IndexStatus != types.IndexStatusCreating {
		t.Fatalf("update: %+v %v", out, err)
	}
	q, err := e.c.Query(e.ctx, &dynamodb.QueryInput{
		TableName: aws.String("users"), IndexName: aws.String("by-email"),
		KeyConditionExpression:    aws.String("email = :e"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":e": s("b@x")},
	})
	if err != nil || len(q.Items) != 1 || q.Items[0]["pk"].(*types.AttributeValueMemberS).Value != "u2" {
		t.Fatalf("query backfilled index: %+v %v", q, err)
	}
	_, err = e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("users"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("users"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}})
	wantErr(t, err, "ValidationException", "Table already has an enabled stream")
	_, err = e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("users"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("by-email")}}}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("users")})
	if len(d.Table.GlobalSecondaryIndexes) != 0 || len(d.Table.AttributeDefinitions) != 1 || d.Table.StreamSpecification == nil {
		t.Fatalf("after delete index: %+v", d.Table)
	}
}

func TestTimeToLiveSweeperDeletesExpiredItems(t *testing.T) {
	e := newEnv(t)
	e.createTable("sessions", "", "", func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeOldImage}
	})
	now := e.clk.Now().Unix()
	e.put("sessions", map[string]types.AttributeValue{"pk": s("old"), "exp": n(itoa(now - 10))})
	e.put("sessions", map[string]types.AttributeValue{"pk": s("new"), "exp": n(itoa(now + 3600))})
	e.put("sessions", map[string]types.AttributeValue{"pk": s("none")})
	// More than five years in the past: AWS does not delete it.
	e.put("sessions", map[string]types.AttributeValue{"pk": s("ancient"), "exp": n(itoa(now - 6*365*24*3600))})
	ttl, err := e.c.UpdateTimeToLive(e.ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("sessions"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}})
	if err != nil || !aws.ToBool(ttl.TimeToLiveSpecification.Enabled) {
		t.Fatalf("ttl: %+v %v", ttl, err)
	}
	_, err = e.c.UpdateTimeToLive(e.ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("sessions"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}})
	wantErr(t, err, "ValidationException", "TimeToLive is already enabled")
	dt, _ := e.c.DescribeTimeToLive(e.ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("sessions")})
	if dt.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(dt.TimeToLiveDescription.AttributeName) != "exp" {
		t.Fatalf("describe ttl: %+v", dt.TimeToLiveDescription)
	}
	waitFor(t, e, func() bool {
		e.clk.Advance(11e9)
		out, _ := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("sessions")})
		return out != nil && len(out.Items) == 3
	})
	if got, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("sessions"), Key: map[string]types.AttributeValue{"pk": s("ancient")}}); err != nil || got.Item == nil {
		t.Fatalf("an item expired more than five years ago was deleted: %v", err)
	}
	recs := e.streamRecords("sessions")
	last := recs[len(recs)-1]
	if last.EventName != "REMOVE" || last.UserIdentity == nil || aws.ToString(last.UserIdentity.PrincipalId) != "dynamodb.amazonaws.com" || aws.ToString(last.UserIdentity.Type) != "Service" {
		t.Fatalf("ttl stream record: %+v", last)
	}
}
