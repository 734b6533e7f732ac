package scheduler_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

func TestScheduleGroups(t *testing.T) {
	e := newEnv(t, t0)
	c, ctx := e.sch, e.ctx

	// The default group exists without being created.
	def, err := c.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(def.Arn) != "arn:aws:scheduler:us-east-1:000000000000:schedule-group/default" || def.State != types.ScheduleGroupStateActive {
		t.Errorf("default group %+v", def)
	}
	_, err = c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("default")})
	wantErr(t, err, "ConflictException", "Schedule group default already exists.")

	out, err := c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("reports"), ClientToken: aws.String("tok-1"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.ScheduleGroupArn)
	if arn != "arn:aws:scheduler:us-east-1:000000000000:schedule-group/reports" {
		t.Errorf("ScheduleGroupArn %s", arn)
	}
	// A retry of the same request succeeds; another request conflicts.
	if _, err := c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("reports"), ClientToken: aws.String("tok-1")}); err != nil {
		t.Errorf("retry with the ClientToken: %v", err)
	}
	_, err = c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("reports")})
	wantErr(t, err, "ConflictException", "Schedule group reports already exists.")

	g, err := c.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String("reports")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(g.Arn) != arn || aws.ToString(g.Name) != "reports" || g.State != types.ScheduleGroupStateActive ||
		!g.CreationDate.Equal(t0) || !g.LastModificationDate.Equal(t0) {
		t.Errorf("GetScheduleGroup %+v", g)
	}
	_, err = c.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule group nope does not exist.")

	// Listing: name order, the default group among them, prefix, paging.
	for _, n := range []string{"alpha", "reports-2", "zeta"} {
		if _, err := c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var tok *string
	for pages := 0; ; pages++ {
		l, err := c.ListScheduleGroups(ctx, &scheduler.ListScheduleGroupsInput{MaxResults: aws.Int32(2), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range l.ScheduleGroups {
			names = append(names, aws.ToString(s.Name))
		}
		if tok = l.NextToken; tok == nil {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if want := "[alpha default reports reports-2 zeta]"; fmtList(names) != want {
		t.Errorf("groups %v, want %s", names, want)
	}
	l, err := c.ListScheduleGroups(ctx, &scheduler.ListScheduleGroupsInput{NamePrefix: aws.String("rep")})
	if err != nil || len(l.ScheduleGroups) != 2 || aws.ToString(l.ScheduleGroups[1].Name) != "reports-2" {
		t.Errorf("prefix listing %+v %v", l, err)
	}
	_, err = c.ListScheduleGroups(ctx, &scheduler.ListScheduleGroupsInput{NextToken: aws.String("garbage!")})
	wantErr(t, err, "ValidationException", "Invalid NextToken.")

	// Tags.
	if _, err := c.TagResource(ctx, &scheduler.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("b")}, {Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &scheduler.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "b" {
		t.Errorf("tags %+v %v", tags, err)
	}
	defARN := "arn:aws:scheduler:us-east-1:000000000000:schedule-group/default"
	if _, err := c.TagResource(ctx, &scheduler.TagResourceInput{ResourceArn: aws.String(defARN),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Errorf("tagging the default group: %v", err)
	}
	if tags, err := c.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: aws.String(defARN)}); err != nil || len(tags.Tags) != 1 {
		t.Errorf("default group tags %+v %v", tags, err)
	}
	_, err = c.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:scheduler:us-east-1:000000000000:schedule-group/nope")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule group nope does not exist.")
	// Schedules cannot be tagged (the model's ARN pattern).
	_, err = c.TagResource(ctx, &scheduler.TagResourceInput{ResourceArn: aws.String("arn:aws:scheduler:us-east-1:000000000000:schedule/default/x"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantErr(t, err, "ValidationException", "")

	// Deleting a group deletes its schedules; the default group stays.
	e.create("in-reports", "rate(1 hour)", "arn:aws:sqs:us-east-1:000000000000:q", func(in *scheduler.CreateScheduleInput) { in.GroupName = aws.String("reports") })
	if _, err := c.DeleteScheduleGroup(ctx, &scheduler.DeleteScheduleGroupInput{Name: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String("reports")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule group reports does not exist.")
	_, err = c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("in-reports"), GroupName: aws.String("reports")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule in-reports does not exist.")
	_, err = c.DeleteScheduleGroup(ctx, &scheduler.DeleteScheduleGroupInput{Name: aws.String("reports")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule group reports does not exist.")
	_, err = c.DeleteScheduleGroup(ctx, &scheduler.DeleteScheduleGroupInput{Name: aws.String("default")})
	wantErr(t, err, "ValidationException", "Cannot delete the default schedule group.")
}

func fmtList(v []string) string {
	s := "["
	for i, x := range v {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s + "]"
}
