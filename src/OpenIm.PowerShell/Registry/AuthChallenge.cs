using System;
using System.Collections.Generic;
using System.Net.Http.Headers;
using System.Text;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// One <c>WWW-Authenticate</c> challenge from a registry: the scheme (Bearer or Basic) and its
    /// parameters (realm, service, scope, error).
    /// </summary>
    public sealed class AuthChallenge
    {
        private AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters)
        {
            Scheme = scheme;
            Parameters = parameters;
        }

        /// <summary>The scheme, such as <c>Bearer</c> or <c>Basic</c>.</summary>
        public string Scheme { get; }

        /// <summary>The challenge's parameters, keys lowercase.</summary>
        public IReadOnlyDictionary<string, string> Parameters { get; }

        /// <summary>True for a Bearer (token) challenge.</summary>
        public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

        /// <summary>True for a Basic challenge.</summary>
        public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

        /// <summary>The token endpoint of a Bearer challenge.</summary>
        public string Realm => Get("realm");

        /// <summary>The service name to ask the token endpoint for.</summary>
        public string Service => Get("service");

        /// <summary>The scope the registry wants, when it says.</summary>
        public string Scope => Get("scope");

        /// <summary>Why a token was refused: <c>insufficient_scope</c>, <c>invalid_token</c>...</summary>
        public string Error => Get("error");

        /// <summary>
        /// The challenges of a response, Bearer first. Header values that do not parse are skipped;
        /// a registry that sends none yields an empty list.
        /// </summary>
        public static IReadOnlyList<AuthChallenge> FromHeaders(
            HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
        {
            var result = new List<AuthChallenge>();
            foreach (var header in headers)
            {
                var challenge = Parse(
                    header.Scheme + (header.Parameter == null ? string.Empty : " " + header.Parameter));
                if (challenge != null)
                {
                    result.Add(challenge);
                }
            }

            result.Sort((a, b) => (b.IsBearer ? 1 : 0) - (a.IsBearer ? 1 : 0));
            return result;
        }

        /// <summary>Parses one challenge such as <c>Bearer realm="...",service="..."</c>; null if malformed.</summary>
        public static AuthChallenge Parse(string value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            value = value.Trim();
            var space = value.IndexOf(' ');
            var scheme = space < 0 ? value : value.Substring(0, space);
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var position = space < 0 ? value.Length : space + 1;

            // A small scanner for auth-param lists: key=token or key="quoted, with \" escapes".
            while (position < value.Length)
            {
                while (position < value.Length && (value[position] == ' ' || value[position] == ','))
                {
                    position++;
                }

                var equals = value.IndexOf('=', position);
                if (equals < 0)
                {
                    break;
                }

                var key = value.Substring(position, equals - position).Trim();
                position = equals + 1;
                var text = new StringBuilder();
                if (position < value.Length && value[position] == '"')
                {
                    position++;
                    while (position < value.Length && value[position] != '"')
                    {
                        if (value[position] == '\\' && position + 1 < value.Length)
                        {
                            position++;
                        }

                        text.Append(value[position]);
                        position++;
                    }

                    position++;
                }
                else
                {
                    while (position < value.Length && value[position] != ',')
                    {
                        text.Append(value[position]);
                        position++;
                    }
                }

                if (key.Length > 0)
                {
                    parameters[key.ToLowerInvariant()] = text.ToString().Trim();
                }
            }

            return new AuthChallenge(scheme, parameters);
        }

        private string Get(string key)
        {
            return Parameters.TryGetValue(key, out var value) ? value : null;
        }
    }
}
