using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Audiences = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    KeySource = table.Column<int>(type: "INTEGER", nullable: false),
                    JwksUrl = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    PastedKeys = table.Column<string>(type: "TEXT", maxLength: 32000, nullable: true),
                    Algorithms = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ClockSkewSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxTokenAgeSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    Mapping = table.Column<int>(type: "INTEGER", nullable: false),
                    IdentityClaim = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RequiredClaims = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    Rules = table.Column<string>(type: "TEXT", maxLength: 32000, nullable: false),
                    RateLimitPerSubjectPerMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    AllowedOrigins = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
