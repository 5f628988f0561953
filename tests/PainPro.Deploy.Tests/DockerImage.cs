using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PainPro.Testing;

namespace PainPro.Deploy.Tests;

/// <summary>
/// What <c>deploy/docker/Dockerfile</c> does for one set of build arguments: each stage's instructions with the
/// variables Docker substitutes (and, in RUN and ENTRYPOINT, the ones the shell would). It follows the rules that
/// decide what a parameterised Dockerfile builds: build arguments exist only in the stage that declares them, ENV
/// holds for the rest of its stage and into the container, <c>${NAME:?message}</c> stops the build when NAME is
/// unset or empty, and a variable this file never declares (<c>$APP_UID</c>, from the base image) is left as written.
/// It is a model for assertions, not a Dockerfile implementation.
/// </summary>
public sealed partial class DockerImage
{
    public const string DockerfilePath = "deploy/docker/Dockerfile";

    private DockerImage(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Final => Stages[^1];

    /// <summary>The build arguments that make the image of a chart component ("scheduling" → SERVICE=Scheduling).</summary>
    public static IReadOnlyDictionary<string, string> BuildArgumentsFor(string component) =>
        new Dictionary<string, string> { ["SERVICE"] = char.ToUpperInvariant(component[0]) + component[1..] };

    /// <exception cref="DockerBuildException">The Dockerfile stops the build for these arguments.</exception>
    public static DockerImage Build(IReadOnlyDictionary<string, string> buildArguments)
    {
        var globalArguments = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stages = new List<DockerStage>();
        StageBuilder? stage = null;

        foreach (var (keyword, arguments) in Instructions(File.ReadAllText(Path.Combine(TestInfrastructure.RepositoryRoot, DockerfilePath))))
        {
            if (keyword == "FROM")
            {
                if (stage is not null) stages.Add(stage.ToStage());
                var from = Expand(arguments, globalArguments).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stage = new StageBuilder(from.Length == 3 && from[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? from[2] : null, from[0]);
            }
            else if (keyword == "ARG")
            {
                var scope = stage?.Variables ?? globalArguments;
                foreach (var (name, declaredDefault) in Assignments(arguments))
                {
                    // Docker expands the default even when the argument is given, so a ${X:?} in it always applies.
                    var defaultValue = declaredDefault is null ? null : Unquote(Expand(declaredDefault, scope));
                    scope[name] = buildArguments.TryGetValue(name, out var given) ? given
                        : defaultValue ?? (stage is not null && globalArguments.TryGetValue(name, out var global) ? global : null);
                }
            }
            else if (stage is null)
            {
                throw new InvalidOperationException($"{DockerfilePath}: {keyword} before the first FROM.");
            }
            else if (keyword == "ENV")
            {
                foreach (var (name, value) in Assignments(arguments))
                {
                    var expanded = Unquote(Expand(value ?? "", stage.Variables));
                    stage.Variables[name] = expanded;
                    stage.Environment[name] = expanded;
                }
            }
            else if (keyword is "ENTRYPOINT" or "CMD")
            {
                // Docker substitutes nothing here; what runs sees only the image's environment, not the build arguments.
                stage.Instructions.Add(new DockerInstruction(keyword, arguments));
            }
            else
            {
                stage.Instructions.Add(new DockerInstruction(keyword, Expand(arguments, stage.Variables)));
            }
        }

        if (stage is null) throw new InvalidOperationException($"{DockerfilePath} has no FROM.");
        stages.Add(stage.ToStage());
        return new DockerImage(stages);
    }

    /// <summary>Logical lines (continuations joined, comments and the syntax directive dropped) as keyword and arguments.</summary>
    private static IEnumerable<(string Keyword, string Arguments)> Instructions(string dockerfile)
    {
        var line = new StringBuilder();
        foreach (var physical in dockerfile.ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = physical.Trim();
            // Docker drops comment and empty lines, inside a continued instruction too.
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            var continues = trimmed.EndsWith('\\');
            line.Append(continues ? trimmed[..^1] : trimmed).Append(' ');
            if (continues) continue;

            var text = line.ToString().Trim();
            line.Clear();
            var space = text.IndexOf(' ');
            yield return space < 0 ? (text.ToUpperInvariant(), "") : (text[..space].ToUpperInvariant(), text[(space + 1)..].Trim());
        }
    }

    /// <summary><c>NAME</c> or <c>NAME=value</c> words, split on white space outside quotes and <c>${…}</c>.</summary>
    private static IEnumerable<(string Name, string? Value)> Assignments(string arguments)
    {
        var word = new StringBuilder();
        var (quoted, braces) = (false, 0);
        foreach (var c in arguments + " ")
        {
            if (c == '"') quoted = !quoted;
            else if (c == '{' && word.Length > 0 && word[^1] == '$') braces++;
            else if (c == '}' && braces > 0) braces--;

            if (char.IsWhiteSpace(c) && !quoted && braces == 0)
            {
                if (word.Length == 0) continue;
                var text = word.ToString();
                word.Clear();
                var equals = text.IndexOf('=');
                yield return equals < 0 ? (text, null) : (text[..equals], text[(equals + 1)..]);
            }
            else
            {
                word.Append(c);
            }
        }
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    internal static string Expand(string text, IReadOnlyDictionary<string, string?> variables) =>
        Variable().Replace(text, match =>
        {
            var name = match.Groups["name"].Value;
            var declared = variables.TryGetValue(name, out var value);
            var modifier = match.Groups["modifier"].Value;
            var word = match.Groups["word"].Value;
            var missing = value is null || (modifier.StartsWith(':') && value.Length == 0);
            return modifier.TrimStart(':') switch
            {
                "?" when missing => throw new DockerBuildException($"{name}: {(word.Length > 0 ? word : "is not allowed to be unset")}"),
                "-" when missing => word,
                _ when declared => value ?? "",
                _ => match.Value,
            };
        });

    [GeneratedRegex(@"\$(?:\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<modifier>:?[?-])(?<word>[^}]*))?\}|(?<name>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Variable();

    private sealed class StageBuilder(string? name, string baseImage)
    {
        public Dictionary<string, string?> Variables { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);
        public List<DockerInstruction> Instructions { get; } = [];

        public DockerStage ToStage() => new(name, baseImage, Instructions, Environment);
    }
}

public sealed record DockerInstruction(string Keyword, string Arguments);

public sealed record DockerStage(string? Name, string BaseImage, IReadOnlyList<DockerInstruction> Instructions, IReadOnlyDictionary<string, string> Environment)
{
    public IEnumerable<string> Arguments(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    /// <summary>
    /// The command the container runs (ENTRYPOINT then CMD, exec form), with the variables a shell in it would
    /// expand from the image's environment, as one line.
    /// </summary>
    public string Command()
    {
        var words = new[] { "ENTRYPOINT", "CMD" }
            .Select(keyword => Arguments(keyword).LastOrDefault())
            .OfType<string>()
            .SelectMany(form => JsonSerializer.Deserialize<string[]>(form)
                ?? throw new InvalidOperationException($"Not an exec-form command: {form}"));
        var environment = Environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        return string.Join(' ', words.Select(word => DockerImage.Expand(word, environment)));
    }
}

public sealed class DockerBuildException(string message) : Exception(message);
