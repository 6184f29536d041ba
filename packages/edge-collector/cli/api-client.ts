// The collector's HTTP API as the CLI calls it: one base URL, a bearer credential per call, and
// problem+json answers turned into errors that say what the server said.

type Problem = { title?: string; detail?: string; errors?: { path: string; message: string }[] };

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    const fields = (problem.errors ?? []).map((error) => `\n  ${error.path}: ${error.message}`);
    super(
      `${status} ${problem.title ?? 'Error'}${problem.detail ? `: ${problem.detail}` : ''}${fields.join('')}`,
    );
    this.status = status;
    this.problem = problem;
  }
}

export type ApiClient = {
  readonly url: string;
  call<T>(method: string, path: string, credential: string, body?: unknown): Promise<T>;
};

export function apiClient(url: string, fetchImpl: typeof fetch = fetch): ApiClient {
  const base = url.replace(/\/+$/, '');
  return {
    url: base,
    async call<T>(method: string, path: string, credential: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetchImpl(base + path, {
          method,
          headers: {
            authorization: `Bearer ${credential}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        throw new Error(`cannot reach the collector at ${base}: ${(error as Error).message}`);
      }
      const text = await response.text();
      const parsed = text ? safeJson(text) : undefined;
      if (!response.ok) {
        throw new ApiError(
          response.status,
          typeof parsed === 'object' && parsed !== null ? parsed : { detail: text.slice(0, 200) },
        );
      }
      return parsed as T;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
