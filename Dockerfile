# Portal container: multi-stage build, runs as a non-root user, data directory on a volume.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Published exactly as Portal.Benchmarks/load/run-load.sh measures it: Release, framework-dependent, one runtime
# identifier, the rest from Portal/Publish.props (docs/performance.md).
ARG RID=linux-x64
COPY global.json Directory.Build.props Directory.Packages.props Portal.sln ./
COPY Portal/Portal.csproj Portal/
COPY Portal.Data/Portal.Data.csproj Portal.Data/
COPY Portal.Tokens/Portal.Tokens.csproj Portal.Tokens/
COPY migrations/Portal.Migrations.csproj migrations/
COPY migrations/Postgres/Portal.Migrations.Postgres.csproj migrations/Postgres/
RUN dotnet restore Portal/Portal.csproj -r $RID
COPY Portal/ Portal/
COPY Portal.Data/ Portal.Data/
COPY Portal.Tokens/ Portal.Tokens/
COPY migrations/ migrations/
RUN dotnet publish Portal/Portal.csproj -c Release -r $RID --self-contained false -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown app:app /data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    Portal__DataDirectory=/data \
    Portal__RequireMasterKey=true \
    Portal__HttpsRedirection=false
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "Portal.dll"]
