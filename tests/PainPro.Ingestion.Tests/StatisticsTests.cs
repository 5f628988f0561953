using PainPro.Ingestion.Outcomes;

namespace PainPro.Ingestion.Tests;

/// <summary>The summary's statistics against values R (<c>quantile(x, type = 7)</c>, <c>sd(x)</c>) gives.</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(new double[] { 1, 2, 3, 4 }, 1.75, 2.5, 3.25)]
    [InlineData(new double[] { 2, 4, 4, 5, 7, 9, 10 }, 4, 5, 8)]
    [InlineData(new double[] { 6 }, 6, 6, 6)]
    public void Quartiles_interpolate_linearly_as_R_type_7(double[] sorted, double q1, double median, double q3)
    {
        Assert.Equal(q1, Statistics.Quantile(sorted, 0.25), 10);
        Assert.Equal(median, Statistics.Quantile(sorted, 0.5), 10);
        Assert.Equal(q3, Statistics.Quantile(sorted, 0.75), 10);
    }

    [Fact]
    public void Sample_standard_deviation_uses_n_minus_one_and_needs_two_values()
    {
        double[] values = [2, 4, 4, 5, 7, 9, 10];

        var sd = Statistics.SampleStandardDeviation(values.Length, values.Sum(), values.Sum(v => v * v));

        Assert.Equal(2.9113897843, sd!.Value, 9);
        Assert.Null(Statistics.SampleStandardDeviation(1, 5, 25));
        Assert.Equal(0, Statistics.SampleStandardDeviation(3, 15, 75));
    }
}
