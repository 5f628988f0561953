using PainPro.Testing;

namespace PainPro.Instruments.Tests;

public class TextSheetTests
{
    [Fact]
    public void The_docs_sheet_holds_exactly_the_texts_in_code()
    {
        var path = Path.Combine(TestInfrastructure.RepositoryRoot, TextSheet.RelativePath);
        var expected = TextSheet.Render();
        if (Environment.GetEnvironmentVariable("PAINPRO_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }
        var artifacts = Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts");
        Directory.CreateDirectory(artifacts);
        File.WriteAllText(Path.Combine(artifacts, "instrument-texts.md"), expected);

        Assert.True(File.Exists(path), $"{TextSheet.RelativePath} is missing: run with PAINPRO_UPDATE_DOCS=1 to write it.");
        Assert.True(expected == File.ReadAllText(path).Replace("\r\n", "\n"),
            $"{TextSheet.RelativePath} differs from the texts in code (the current sheet is in tests/.artifacts/instrument-texts.md): "
            + "review the change and run with PAINPRO_UPDATE_DOCS=1 to write it.");
    }

    [Fact]
    public void The_sheet_shows_every_item_beside_its_published_anchors_in_both_languages()
    {
        var sheet = TextSheet.Render();

        foreach (var item in InstrumentCatalog.AllItems)
        {
            Assert.Contains($"`{item.Code}`", sheet);
            foreach (var locale in InstrumentCatalog.SupportedLocales)
                Assert.Contains(InstrumentTexts.For(item.Code, locale).Question, sheet);
            foreach (var anchor in TextSheet.Reference[item.Code].Anchors.Values)
                Assert.Contains(anchor, sheet);
        }
        Assert.Contains("Major handicap", sheet);
        Assert.Contains("With a big change that makes walking very hard", sheet);
    }
}
