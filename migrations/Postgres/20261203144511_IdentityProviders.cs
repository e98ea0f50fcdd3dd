using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdentityProviders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IdentityProviders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Issuer = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Audiences = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    KeySource = table.Column<int>(type: "integer", nullable: false),
                    JwksUrl = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    PastedKeys = table.Column<string>(type: "character varying(32000)", maxLength: 32000, nullable: true),
                    Algorithms = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ClockSkewSeconds = table.Column<int>(type: "integer", nullable: false),
                    MaxTokenAgeSeconds = table.Column<int>(type: "integer", nullable: true),
                    Mapping = table.Column<int>(type: "integer", nullable: false),
                    IdentityClaim = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RequiredClaims = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    Rules = table.Column<string>(type: "character varying(32000)", maxLength: 32000, nullable: false),
                    RateLimitPerSubjectPerMinute = table.Column<int>(type: "integer", nullable: false),
                    AllowedOrigins = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdentityProviders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IdentityProviders_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IdentityProviders_ProjectId_Issuer",
                table: "IdentityProviders",
                columns: new[] { "ProjectId", "Issuer" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IdentityProviders");
        }
    }
}
