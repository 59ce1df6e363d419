/** How to sign in to a real org; secrets come from the environment, never from files. */
export type AuthSpec =
  | {
      readonly method: 'client-secret';
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | {
      readonly method: 'certificate';
      readonly tenantId: string;
      readonly clientId: string;
      readonly certificatePath: string;
    }
  | { readonly method: 'device-code'; readonly tenantId: string; readonly clientId: string }
  | {
      readonly method: 'password';
      readonly tenantId: string;
      readonly clientId: string;
      readonly username: string;
      readonly password: string;
    }
  | { readonly method: 'token'; readonly token: string };
