using System.Globalization;
using System.Xml.Linq;
using PainPro.Portal.Charts;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class ChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly VasTrajectoryPoint[] FullTrajectory =
    [
        new("Baseline", 40, 7m, 6m, 8m),
        new("Day 3", 35, 4m, 3m, 5.5m),
        new("Month 1", 30, 3m, 2m, 4m),
        new("Month 3", 20, 2.5m, 1m, 3.25m),
    ];

    [Fact]
    public void The_trajectory_is_a_labelled_image_whose_description_gives_every_number()
    {
        var svg = XElement.Parse(VasTrajectoryChart.Render(FullTrajectory));

        Assert.Equal("img", (string?)svg.Attribute("role"));
        Assert.Equal("Pain (NRS 0–10) over time: median and interquartile range", svg.Element(Svg + "title")!.Value);
        var description = svg.Element(Svg + "desc")!.Value;
        Assert.Contains("Baseline: median 7, interquartile range 6 to 8, 40 answers", description);
        Assert.Contains("Month 3: median 2.5, interquartile range 1 to 3.3, 20 answers", description);
        Assert.Equal("vas-trajectory-title vas-trajectory-desc", (string?)svg.Attribute("aria-labelledby"));
    }

    [Fact]
    public void The_median_line_runs_through_each_timepoint_and_the_band_spans_the_quartiles()
    {
        var svg = XElement.Parse(VasTrajectoryChart.Render(FullTrajectory));

        var line = Points(svg.Descendants(Svg + "polyline").Single());
        var band = Points(svg.Descendants(Svg + "polygon").Single());

        Assert.Equal(4, line.Count);
        Assert.True(line.Zip(line.Skip(1)).All(p => p.First.X < p.Second.X), "left to right in protocol order");
        // Lower pain is lower on the chart: y grows downwards in SVG.
        Assert.True(line[0].Y < line[1].Y && line[1].Y < line[2].Y && line[2].Y < line[3].Y);
        Assert.Equal(8, band.Count);
        for (var i = 0; i < 4; i++)
        {
            var (upper, lower) = (band[i], band[7 - i]);
            Assert.Equal(line[i].X, upper.X);
            Assert.True(upper.Y <= line[i].Y && line[i].Y <= lower.Y, "the median lies inside the interquartile band");
        }
    }

    [Fact]
    public void A_timepoint_without_answers_leaves_a_gap_instead_of_a_made_up_value()
    {
        VasTrajectoryPoint[] points =
        [
            FullTrajectory[0],
            FullTrajectory[1],
            new("Month 1", 0, null, null, null),
            FullTrajectory[3],
        ];

        var svg = XElement.Parse(VasTrajectoryChart.Render(points));

        Assert.Equal(2, Points(svg.Descendants(Svg + "polyline").Single()).Count);
        Assert.Equal(3, svg.Descendants(Svg + "circle").Count());
        Assert.Contains("Month 1: no answers", svg.Element(Svg + "desc")!.Value);
    }

    [Fact]
    public void The_patient_chart_draws_the_baseline_as_a_dashed_line_at_its_value()
    {
        var svg = XElement.Parse(PatientVasChart.Render([("Baseline", 8), ("Day 3", 7), ("Month 1", null), ("Month 3", 3)], baseline: 8));

        var dashed = svg.Descendants(Svg + "line").Single(l => l.Attribute("stroke-dasharray") is not null);
        var baselinePoint = svg.Descendants(Svg + "circle").First();
        Assert.Equal((string?)baselinePoint.Attribute("cy"), (string?)dashed.Attribute("y1"));
        Assert.Equal((string?)dashed.Attribute("y1"), (string?)dashed.Attribute("y2"));
        Assert.Equal("Baseline 8 of 10. Baseline: 8; Day 3: 7; Month 1: no answer; Month 3: 3.", svg.Element(Svg + "desc")!.Value);
        Assert.Equal(3, svg.Descendants(Svg + "circle").Count());
    }

    [Fact]
    public void Without_a_baseline_there_is_no_dashed_line()
    {
        var svg = XElement.Parse(PatientVasChart.Render([("Day 3", 5)], baseline: null));

        Assert.DoesNotContain(svg.Descendants(Svg + "line"), l => l.Attribute("stroke-dasharray") is not null);
        Assert.StartsWith("No baseline recorded.", svg.Element(Svg + "desc")!.Value);
    }

    [Fact]
    public void Text_in_a_chart_is_escaped()
    {
        var svg = VasTrajectoryChart.Render([new("<b>Day 3</b>", 1, 4m, 4m, 4m)]);

        Assert.DoesNotContain("<b>", svg);
        Assert.NotNull(XElement.Parse(svg));
    }

    private static List<(double X, double Y)> Points(XElement shape) =>
        [.. ((string)shape.Attribute("points")!).Split(' ').Select(p => p.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))];
}
